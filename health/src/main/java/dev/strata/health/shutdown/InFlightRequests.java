package dev.strata.health.shutdown;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts requests being served, so that a {@link ShutdownCoordinator} can wait for them. Call
 * {@link #begin()} when a request starts and {@link #end()} exactly once when it is done, success
 * or not (in a {@code finally} block); {@link InFlightRequestFilter} does that for servlets.
 *
 * <pre>{@code
 * inFlight.begin();
 * try {
 *   handle(request);
 * } finally {
 *   inFlight.end();
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@code begin} and {@code end} take no lock and allocate nothing; only {@code end}
 * bringing the count to 0 while someone waits takes a monitor to wake them.
 */
public final class InFlightRequests {

  private final AtomicLong count = new AtomicLong();
  private final Object zero = new Object();
  private volatile int waiters;

  /** Creates a counter at 0. */
  public InFlightRequests() {}

  /** Counts one more request in flight. */
  public void begin() {
    count.incrementAndGet();
  }

  /**
   * Counts one request less in flight.
   *
   * @throws IllegalStateException if more requests ended than began (the count stays 0)
   */
  public void end() {
    long now = count.decrementAndGet();
    if (now < 0) {
      count.incrementAndGet();
      throw new IllegalStateException("end() called more often than begin()");
    }
    if (now == 0 && waiters > 0) {
      synchronized (zero) {
        zero.notifyAll();
      }
    }
  }

  /**
   * Returns the number of requests in flight.
   *
   * @return the count, never negative
   */
  public long count() {
    return count.get();
  }

  /**
   * Waits until no request is in flight.
   *
   * @param timeout how long to wait at most, not null; zero or negative checks once
   * @return whether the count was 0 before the timeout
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitZero(Duration timeout) throws InterruptedException {
    Objects.requireNonNull(timeout, "timeout must not be null");
    long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
    synchronized (zero) {
      waiters++;
      try {
        while (count.get() > 0) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          TimeUnit.NANOSECONDS.timedWait(zero, left);
        }
        return true;
      } finally {
        waiters--;
      }
    }
  }

  @Override
  public String toString() {
    return "InFlightRequests{" + count.get() + "}";
  }
}
