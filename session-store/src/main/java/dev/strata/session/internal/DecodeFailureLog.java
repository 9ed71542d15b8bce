package dev.strata.session.internal;

import dev.strata.redis.LogThrottle;
import java.time.Duration;
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

  private final SessionCounters counters;
  private final LogThrottle throttle = new LogThrottle(Duration.ofSeconds(10));

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
    if (throttle.permit()) {
      LOG.warn(
          "skipping undecodable attribute '{}' of session {} (kept in the store): {} ({} more"
              + " since the last report; within 10s they are logged at debug level)",
          attribute,
          SessionIdFingerprint.of(id),
          error.toString(),
          throttle.takeSuppressed());
    } else if (LOG.isDebugEnabled()) {
      LOG.debug(
          "skipping undecodable attribute '{}' of session {} (kept in the store): {}",
          attribute,
          SessionIdFingerprint.of(id),
          error.toString());
    }
  }
}
