package dev.strata.cache.redis;

import org.jspecify.annotations.Nullable;

/**
 * Thrown by {@link RedisCache#invalidate(Object)} and the other invalidation methods when Redis
 * could not be reached (circuit breaker open, connection down, command timed out). The entries may
 * still be in Redis and are served until they expire, so the caller should know: it may retry, or
 * accept staleness up to the cache's TTL.
 *
 * <p>Reads and puts never throw this: they degrade (a miss, a skipped write) instead.
 */
public class InvalidationFailedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what could not be invalidated and why
   * @param cause the Redis failure, or null when the circuit breaker refused the call
   */
  public InvalidationFailedException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
