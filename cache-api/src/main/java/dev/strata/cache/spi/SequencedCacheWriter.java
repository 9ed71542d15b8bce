package dev.strata.cache.spi;

import java.util.Map;

/**
 * A writer that can refuse a write older than what the system of record already holds: the
 * idempotent-writer contract of a write-behind queue whose batches may be written twice or by two
 * nodes at once (a durable queue after an ownership change).
 *
 * <p>Each write carries its {@link PendingWrite#sequence() sequence}; the writer stores it beside
 * the row and applies a write only if the stored sequence is smaller (or absent), atomically with
 * the write (e.g. {@code UPDATE ... WHERE version < ?}). A refused write is not an error: a newer
 * write of the key was already applied. Writes of one call are one transaction. Implementations
 * must be thread-safe.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface SequencedCacheWriter<K, V> {

  /**
   * Writes each entry whose sequence is newer than the stored one.
   *
   * @param entries the values to write
   * @param sequences the sequence of each entry's key; positive
   * @throws Exception if the write failed; nothing of this call is applied
   */
  void writeAllSequenced(Map<? extends K, ? extends V> entries, Map<? extends K, Long> sequences)
      throws Exception;

  /**
   * Deletes each key whose stored sequence is not newer than the given one.
   *
   * @param sequences the keys to delete with the sequence of each delete; positive
   * @throws Exception if the delete failed; nothing of this call is applied
   */
  void deleteAllSequenced(Map<? extends K, Long> sequences) throws Exception;
}
