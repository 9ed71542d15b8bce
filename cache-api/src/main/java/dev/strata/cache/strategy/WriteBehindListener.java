package dev.strata.cache.strategy;

/**
 * Observes the flusher of a {@link WriteBehindCache} (the Micrometer binder uses it for batch sizes
 * and flush latency). Called from the flusher thread; implementations must be quick and must not
 * throw (an exception is logged and ignored).
 */
public interface WriteBehindListener {

  /**
   * A batch was written.
   *
   * @param writes the number of writes (puts and deletes) in the batch
   * @param nanos how long writing it took, retries included
   */
  default void onBatchWritten(int writes, long nanos) {}

  /**
   * A batch failed and is about to be retried.
   *
   * @param writes the number of writes in the batch
   * @param error the failure
   */
  default void onRetry(int writes, Throwable error) {}

  /**
   * A batch failed for good and went to the dead-letter handler.
   *
   * @param writes the number of writes in the batch
   * @param nanos how long the attempts took
   * @param error the last failure
   */
  default void onDeadLetter(int writes, long nanos, Throwable error) {}
}
