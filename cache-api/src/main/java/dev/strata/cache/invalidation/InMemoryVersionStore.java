package dev.strata.cache.invalidation;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link VersionStore} in this JVM's memory: for a single process, or for tests. Counters live as
 * long as the store; per-key counters add one small entry per key ever bumped. Thread-safe, and
 * {@link #version(String)} takes no lock.
 */
public final class InMemoryVersionStore implements VersionStore {

  private final ConcurrentHashMap<String, AtomicLong> versions = new ConcurrentHashMap<>();

  /** Creates a store whose counters are all 0. */
  public InMemoryVersionStore() {}

  @Override
  public long version(String id) {
    Objects.requireNonNull(id, "id must not be null");
    AtomicLong version = versions.get(id);
    return version == null ? 0 : version.get();
  }

  @Override
  public long bump(String id) {
    Objects.requireNonNull(id, "id must not be null");
    return versions.computeIfAbsent(id, key -> new AtomicLong()).incrementAndGet();
  }
}
