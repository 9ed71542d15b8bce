package dev.strata.cache.strategy;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Thrown by a {@link WriteBehindCache} write that found the queue full (and, with {@link
 * QueueFullPolicy#BLOCK}, still full at the end of the offer timeout). The write was neither queued
 * nor applied to the cache.
 */
public class WriteBehindQueueFullException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message names the cache, the capacity and the policy
   */
  public WriteBehindQueueFullException(String message) {
    super(message);
  }

  /**
   * Creates the exception for a wait that was interrupted.
   *
   * @param message names the cache
   * @param cause the interruption
   */
  public WriteBehindQueueFullException(String message, Throwable cause) {
    super(message, cause);
  }

  static WriteBehindQueueFullException full(
      String cache, int capacity, QueueFullPolicy policy, @Nullable Duration waited) {
    return new WriteBehindQueueFullException(
        "write-behind queue of cache '"
            + cache
            + "' is full (queueCapacity "
            + capacity
            + ", policy "
            + policy
            + (waited != null ? ", waited " + waited : "")
            + ")");
  }
}
