package dev.strata.cache.strategy;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One write waiting in a {@link WriteBehindCache}'s queue, as handed to a {@link
 * DeadLetterHandler}: a value to write, or a delete.
 *
 * @param key the key; never null
 * @param value the value to write, or {@code null} for a delete
 * @param <K> the key type
 * @param <V> the value type
 */
public record QueuedWrite<K, V>(K key, @Nullable V value) {

  /** Rejects a null key. */
  public QueuedWrite {
    Objects.requireNonNull(key, "key must not be null");
  }

  /**
   * Returns whether this write deletes the key.
   *
   * @return {@code true} for a delete, {@code false} for a value to write
   */
  public boolean isDelete() {
    return value == null;
  }
}
