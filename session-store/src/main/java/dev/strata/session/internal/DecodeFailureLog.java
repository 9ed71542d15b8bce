package dev.strata.session.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts attribute values that could not be decoded and logs them, at most one WARN line per ten
 * seconds (the rest at DEBUG), naming the attribute and a fingerprint of the session id, never the
 * id or the value.
 *
 * <p>Thread-safe.
 */
public final class DecodeFailureLog {

  private static final Logger LOG = LoggerFactory.getLogger(DecodeFailureLog.class);
  private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final SessionCounters counters;
  private final AtomicLong lastWarnNanos = new AtomicLong(System.nanoTime() - INTERVAL_NANOS);

  /**
   * Creates a log that counts into {@code counters}.
   *
   * @param counters the store's counters
   */
  public DecodeFailureLog(SessionCounters counters) {
    this.counters = counters;
  }

  /**
   * Records one failure.
   *
   * @param id the session id (only its fingerprint is logged)
   * @param attribute the attribute name
   * @param error what the codec threw
   */
  public void report(String id, String attribute, RuntimeException error) {
    counters.decodeFailures.increment();
    long now = System.nanoTime();
    long last = lastWarnNanos.get();
    if (now - last >= INTERVAL_NANOS && lastWarnNanos.compareAndSet(last, now)) {
      LOG.warn(
          "skipping undecodable attribute '{}' of session {} (kept in the store): {} (further"
              + " failures within 10s are logged at debug level; see the decode failure counter)",
          attribute,
          SessionIdFingerprint.of(id),
          error.toString());
    } else if (LOG.isDebugEnabled()) {
      LOG.debug(
          "skipping undecodable attribute '{}' of session {} (kept in the store): {}",
          attribute,
          SessionIdFingerprint.of(id),
          error.toString());
    }
  }
}
