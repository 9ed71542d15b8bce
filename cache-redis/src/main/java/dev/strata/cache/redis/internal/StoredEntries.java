package dev.strata.cache.redis.internal;

import dev.strata.cache.redis.ValueCodec;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one cache's values into stored bytes and back ({@link StoredValueFormat} framing around the
 * cache's {@link ValueCodec}). A read answers a decoded value, {@link #ABSENT} (a negative entry)
 * or {@link #MISS} (nothing, a tombstone, a lease, or a corrupt entry, which is counted, logged and
 * deleted through {@link GuardedRedisCommands#corruptValue}). Thread-safe if the codec is.
 *
 * @param <V> the value type
 */
public final class StoredEntries<V> {

  private static final Logger LOG = LoggerFactory.getLogger(StoredEntries.class);

  /** A lookup that found nothing usable. */
  public static final Object MISS = new Object();

  /** A lookup that found a negative entry. */
  public static final Object ABSENT = new Object();

  private final String cacheName;
  private final ValueCodec<V> codec;
  private final int maxValueBytes;
  private final GuardedRedisCommands redis;

  /**
   * Creates the entry format of one cache.
   *
   * @param cacheName the cache's name, for messages
   * @param codec the cache's value codec
   * @param maxValueBytes the largest stored entry, header included
   * @param redis the cache's guarded commands, to report corrupt entries and skipped writes
   */
  public StoredEntries(
      String cacheName, ValueCodec<V> codec, int maxValueBytes, GuardedRedisCommands redis) {
    this.cacheName = cacheName;
    this.codec = codec;
    this.maxValueBytes = maxValueBytes;
    this.redis = redis;
  }

  /**
   * Returns the cache's value codec.
   *
   * @return the codec
   */
  public ValueCodec<V> codec() {
    return codec;
  }

  /**
   * Returns a value a lookup found, or null for a negative entry.
   *
   * @param found a decoded value or {@link #ABSENT}; not {@link #MISS}
   * @param <V> the value type
   * @return the value, or null
   */
  @SuppressWarnings("unchecked")
  public static <V> @Nullable V unwrap(Object found) {
    return found == ABSENT ? null : (V) found;
  }

  /**
   * Decodes the bytes a GET answered.
   *
   * @param redisKey the key they were read from, to delete them when corrupt
   * @param stored the bytes, or null when the key holds nothing
   * @return the decoded value, {@link #ABSENT} or {@link #MISS}
   */
  public Object decode(byte[] redisKey, byte @Nullable [] stored) {
    if (stored == null) {
      return MISS;
    }
    switch (StoredValueFormat.kindOf(stored)) {
      case VALUE:
        try {
          int offset = StoredValueFormat.payloadOffset(stored);
          return Objects.requireNonNull(
              codec.decode(stored, offset, stored.length - offset), "the value codec decoded null");
        } catch (RuntimeException e) {
          redis.corruptValue(redisKey, stored, e.toString());
          return MISS;
        }
      case ABSENT:
        return ABSENT;
      case TOMBSTONE:
      case LEASE:
        return MISS;
      default:
        redis.corruptValue(redisKey, stored, "not a Strata cache entry (unknown header)");
        return MISS;
    }
  }

  /**
   * Turns one answer of {@link StoredValueReader#mget} into a value, {@link #ABSENT} or {@link
   * #MISS}.
   *
   * @param redisKey the key the answer is for, to delete a corrupt entry
   * @param answer the answer
   * @return what the answer means
   */
  public Object found(byte[] redisKey, @Nullable Object answer) {
    if (answer == null) {
      return MISS;
    }
    if (answer == StoredValueReader.ABSENT) {
      return ABSENT;
    }
    if (answer instanceof StoredValueReader.Corrupt corrupt) {
      redis.corruptValue(redisKey, corrupt.stored(), corrupt.reason());
      return MISS;
    }
    return answer;
  }

  /**
   * Encodes and frames a value that a caller puts, checking its size.
   *
   * @param key the key, for messages
   * @param value the value
   * @return the bytes to store
   * @throws IllegalArgumentException if the codec fails or the entry is larger than the maximum
   */
  public byte[] encode(Object key, V value) {
    return encodeOrThrow(key, value);
  }

  /**
   * Encodes and frames a loaded value, or returns null when it cannot be cached (the codec failed
   * or it is too large: logged and counted as a skipped write).
   *
   * @param value the loaded value
   * @return the bytes to store, or null
   */
  public byte @Nullable [] encodeForFill(V value) {
    try {
      return encodeOrThrow(null, value);
    } catch (IllegalArgumentException e) {
      redis.countSkippedWrites(1);
      LOG.warn("Redis cache '{}': a loaded value is not cached: {}", cacheName, e.getMessage());
      return null;
    }
  }

  private byte[] encodeOrThrow(@Nullable Object key, V value) {
    byte[] payload;
    try {
      payload = codec.encode(value);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "cache '" + cacheName + "': cannot encode " + valueOf(key) + ": " + e.getMessage(), e);
    }
    int size = payload.length + StoredValueFormat.HEADER_BYTES;
    if (size > maxValueBytes) {
      throw new IllegalArgumentException(
          "cache '"
              + cacheName
              + "': "
              + valueOf(key)
              + " is "
              + size
              + " bytes, larger than maxValueBytes "
              + maxValueBytes);
    }
    return StoredValueFormat.frameValue(payload);
  }

  private static String valueOf(@Nullable Object key) {
    return key == null ? "a loaded value" : "the value for key " + key;
  }

  @Override
  public String toString() {
    return codec.toString();
  }
}
