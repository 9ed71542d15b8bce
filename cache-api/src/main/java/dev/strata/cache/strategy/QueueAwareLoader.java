package dev.strata.cache.strategy;

import dev.strata.cache.CacheLoader;
import dev.strata.cache.spi.PendingWrite;
import dev.strata.cache.spi.WriteQueue;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A loader that answers from a write-behind queue before asking the real loader, so that a miss on
 * a key with a write still waiting returns that write (or nothing, for a delete) instead of a stale
 * row.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class QueueAwareLoader<K, V> implements CacheLoader<K, V> {
  private final WriteQueue<K, V> queue;
  private final CacheLoader<? super K, ? extends V> loader;

  QueueAwareLoader(WriteQueue<K, V> queue, CacheLoader<? super K, ? extends V> loader) {
    this.queue = queue;
    this.loader = loader;
  }

  @Override
  public @Nullable V load(K key) throws Exception {
    PendingWrite<K, V> waiting = queue.pendingWrite(key);
    return waiting != null ? waiting.value() : loader.load(key);
  }

  @Override
  public Map<K, V> loadAll(Set<? extends K> keys) throws Exception {
    Map<K, V> result = new HashMap<>();
    Set<K> rest = new LinkedHashSet<>();
    for (K key : keys) {
      PendingWrite<K, V> waiting = queue.pendingWrite(key);
      if (waiting == null) {
        rest.add(key);
      } else if (!waiting.isDelete()) {
        result.put(key, waiting.value());
      }
    }
    if (!rest.isEmpty()) {
      Map<?, ? extends V> loaded = loader.loadAll(rest);
      for (K key : rest) {
        V value = loaded.get(key);
        if (value != null) {
          result.put(key, value);
        }
      }
    }
    return result;
  }
}
