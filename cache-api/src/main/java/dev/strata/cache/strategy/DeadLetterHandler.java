package dev.strata.cache.strategy;

import java.util.List;

/**
 * Receives the writes of a {@link WriteBehindCache} batch that still failed after every retry, so
 * they can be stored elsewhere, alerted on or replayed. Before the handler is called the cache
 * drops its copies of those keys, so reads load what the system of record holds.
 *
 * <p>Called from the cache's flusher thread, one batch at a time; an exception it throws is logged
 * and ignored. The default handler logs each batch at ERROR level.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface DeadLetterHandler<K, V> {

  /**
   * Handles a batch that could not be written.
   *
   * @param writes the writes of the batch, in queue order; not empty
   * @param error the writer's last failure
   */
  void onDeadLetter(List<QueuedWrite<K, V>> writes, Throwable error);
}
