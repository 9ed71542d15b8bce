package dev.strata.cache;

import java.util.Collection;
import java.util.Map;

/**
 * Writes changes to the system of record: the database behind a write-through or write-behind
 * cache.
 *
 * <p>Implementations must be safe for use by many threads at once and should make each call atomic
 * where the store allows it (a batch either lands or fails as a whole); a write-behind cache
 * retries a failed batch, so writes must be idempotent (an upsert, a delete of what may already be
 * gone).
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface CacheWriter<K, V> {

  /**
   * Writes (inserts or replaces) one value.
   *
   * @throws Exception if the write failed; nothing is assumed written
   */
  void write(K key, V value) throws Exception;

  /**
   * Deletes the value for {@code key}; deleting a key that does not exist is not an error.
   *
   * @throws Exception if the delete failed
   */
  void delete(K key) throws Exception;

  /**
   * Writes several values at once. The default calls {@link #write(Object, Object)} for each entry;
   * override it to use a batch statement.
   *
   * @param entries the entries to write; never empty
   * @throws Exception if the batch failed
   */
  default void writeAll(Map<? extends K, ? extends V> entries) throws Exception {
    for (Map.Entry<? extends K, ? extends V> entry : entries.entrySet()) {
      write(entry.getKey(), entry.getValue());
    }
  }

  /**
   * Deletes several keys at once. The default calls {@link #delete(Object)} for each key.
   *
   * @param keys the keys to delete; never empty
   * @throws Exception if the batch failed
   */
  default void deleteAll(Collection<? extends K> keys) throws Exception {
    for (K key : keys) {
      delete(key);
    }
  }
}
