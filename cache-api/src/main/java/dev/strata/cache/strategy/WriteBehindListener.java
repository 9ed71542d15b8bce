package dev.strata.cache.strategy;

import java.util.List;

/**
 * Observes the flusher of a {@link WriteBehindCache} (the Micrometer binder uses it for batch sizes
 * and flush latency; {@link dev.strata.cache.invalidation.InvalidationBroadcastingCache} to tell
 * other nodes which keys the database now has). Called from the flusher thread; implementations
 * should be quick. Whatever one throws ({@link Error}s included) is logged and counted ({@link
 * WriteBehindStats#callbackFailures()}); the flusher goes on.
 */
public interface WriteBehindListener {

  /**
   * A batch was written (committed by the writer).
   *
   * @param keys the keys of the batch's writes (puts and deletes), one per write; immutable
   * @param nanos how long writing it took, retries included
   */
  default void onBatchWritten(List<?> keys, long nanos) {}

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
