package dev.strata.cache.spi;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One write waiting in a {@link WriteQueue}: a value to write or a delete, with the sequence number
 * the queue gave it.
 *
 * @param key the key; never null
 * @param value the value to write, or {@code null} for a delete
 * @param sequence the write's sequence number: later writes of a key have larger numbers; 0 when
 *     the queue does not number writes (then the writer must not compare them)
 * @param <K> the key type
 * @param <V> the value type
 */
public record PendingWrite<K, V>(K key, @Nullable V value, long sequence) {

  /** Rejects a null key and a negative sequence. */
  public PendingWrite {
    Objects.requireNonNull(key, "key must not be null");
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence must not be negative but was " + sequence);
    }
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
