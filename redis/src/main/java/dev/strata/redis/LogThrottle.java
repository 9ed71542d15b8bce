package dev.strata.redis;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets one log line through per interval, so that a flood of bad input (malformed messages,
 * undecodable entries, an unreachable server) cannot flood the log. Callers log at their normal
 * level only when {@link #permit()} says so (typically at DEBUG otherwise) and report how many
 * lines were held back since the last one ({@link #takeSuppressed()}).
 *
 * <pre>{@code
 * if (throttle.permit()) {
 *   LOG.warn("dropping a corrupt entry ({} more since the last report)", throttle.takeSuppressed());
 * } else {
 *   LOG.debug("dropping a corrupt entry");
 * }
 * }</pre>
 *
 * <p>Thread-safe and lock-free; {@link #permit()} allocates nothing.
 */
public final class LogThrottle {

  private final long intervalNanos;
  private final AtomicLong nextPermitNanos;
  private final AtomicLong suppressed = new AtomicLong();

  /**
   * Creates a throttle whose first {@link #permit()} succeeds.
   *
   * @param interval the least time between two permitted lines; positive, not null
   * @throws NullPointerException if {@code interval} is null
   * @throws IllegalArgumentException if {@code interval} is zero or negative
   */
  public LogThrottle(Duration interval) {
    Objects.requireNonNull(interval, "interval must not be null");
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("interval must be positive but was " + interval);
    }
    this.intervalNanos = interval.toNanos();
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

  @Override
  public String toString() {
    return "LogThrottle[every " + Duration.ofNanos(intervalNanos) + "]";
  }
}
