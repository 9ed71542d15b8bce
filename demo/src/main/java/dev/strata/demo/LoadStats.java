package dev.strata.demo;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the simulated users saw: requests, failures, logouts, acknowledged cart items. Thread-safe.
 */
final class LoadStats {
  /** One failed request as a user saw it. */
  record Failure(long epochMillis, String what) {}

  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong productReads = new AtomicLong();
  private final AtomicLong cartItems = new AtomicLong();
  private final List<Failure> failures = new CopyOnWriteArrayList<>();
  private final Set<String> loggedOut = ConcurrentHashMap.newKeySet();

  void request() {
    requests.incrementAndGet();
  }

  void productRead() {
    productReads.incrementAndGet();
  }

  void cartItemAcknowledged() {
    cartItems.incrementAndGet();
  }

  void failure(String what) {
    failures.add(new Failure(System.currentTimeMillis(), what));
  }

  void userLoggedOut(String user) {
    loggedOut.add(user);
  }

  long requests() {
    return requests.get();
  }

  long productReads() {
    return productReads.get();
  }

  long cartItemsAcknowledged() {
    return cartItems.get();
  }

  List<Failure> failures() {
    return List.copyOf(failures);
  }

  long failuresBetween(long fromEpochMillis, long toEpochMillis) {
    return failures.stream()
        .filter(f -> f.epochMillis() >= fromEpochMillis && f.epochMillis() < toEpochMillis)
        .count();
  }

  Set<String> loggedOutUsers() {
    return Set.copyOf(loggedOut);
  }
}
