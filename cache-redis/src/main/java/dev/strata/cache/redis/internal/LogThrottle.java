package dev.strata.cache.redis.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets one log line through per interval, so that a flood of bad input (malformed messages, an
 * unreachable server) cannot flood the log. Callers log only when {@link #permit()} says so and
 * report how many lines were held back since the last one. Thread-safe and lock-free.
 */
public final class LogThrottle {

  private final long intervalNanos;
  private final AtomicLong nextPermitNanos;
  private final AtomicLong suppressed = new AtomicLong();

  /**
   * Creates a throttle.
   *
   * @param interval the least time between two permitted lines
   * @param unit the unit of {@code interval}
   */
  public LogThrottle(long interval, TimeUnit unit) {
    this.intervalNanos = unit.toNanos(interval);
    this.nextPermitNanos = new AtomicLong(System.nanoTime());
  }

  /**
   * Returns whether a line may be logged now; counts it as held back otherwise.
   *
   * @return {@code true} at most once per interval
   */
  public boolean permit() {
    long now = System.nanoTime();
    long next = nextPermitNanos.get();
    if (now - next >= 0 && nextPermitNanos.compareAndSet(next, now + intervalNanos)) {
      return true;
    }
    suppressed.incrementAndGet();
    return false;
  }

  /**
   * Returns how many lines were held back since the last call, and resets that count.
   *
   * @return the number of suppressed lines
   */
  public long takeSuppressed() {
    return suppressed.getAndSet(0);
  }
}
