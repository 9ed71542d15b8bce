package dev.strata.cache.spi;

import java.util.List;

/**
 * A batch taken from a {@link WriteQueue} by {@link WriteQueue#takeBatch}: at most one write per
 * key (the newest the queue knew of), in queue order. Hand it back with {@link
 * WriteQueue#completeBatch} once it was written, dead-lettered or abandoned. Immutable.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface WriteBatch<K, V> {

  /**
   * Returns the writes of the batch.
   *
   * @return the writes; not empty, one per key
   */
  List<PendingWrite<K, V>> writes();
}
