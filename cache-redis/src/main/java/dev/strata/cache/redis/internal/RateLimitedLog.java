package dev.strata.cache.redis.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Logs one kind of recurring problem at most once per interval, saying how many occurrences were
 * not logged in between, so an outage cannot flood the log. Thread-safe.
 */
public final class RateLimitedLog {

  private final Logger logger;
  private final long intervalNanos;
  private final AtomicLong nextAllowedNanos;
  private final AtomicLong suppressed = new AtomicLong();

  /**
   * Creates a rate-limited log.
   *
   * @param logger where to log
   * @param interval the shortest time between two log lines
   * @param unit the unit of {@code interval}
   */
  public RateLimitedLog(Logger logger, long interval, TimeUnit unit) {
    this.logger = logger;
    this.intervalNanos = unit.toNanos(interval);
    this.nextAllowedNanos = new AtomicLong(System.nanoTime());
  }

  /**
   * Logs a warning unless one was logged less than an interval ago.
   *
   * @param message the message, without trailing punctuation
   * @param error the cause, logged with its message only (no stack trace), or null
   */
  public void warn(String message, @Nullable Throwable error) {
    long now = System.nanoTime();
    long next = nextAllowedNanos.get();
    if (now - next < 0 || !nextAllowedNanos.compareAndSet(next, now + intervalNanos)) {
      suppressed.incrementAndGet();
      return;
    }
    long skipped = suppressed.getAndSet(0);
    String cause = error == null ? "" : ": " + error;
    if (skipped > 0) {
      logger.warn(
          "{}{} ({} similar events not logged since the last one)", message, cause, skipped);
    } else {
      logger.warn("{}{}", message, cause);
    }
  }
}
