package dev.strata.cache.redis;

import dev.strata.cache.redis.internal.ByteArrayValueCodec;
import dev.strata.cache.redis.internal.Utf8ValueCodec;

/**
 * Turns cache values into bytes for Redis and back.
 *
 * <p>The cache frames what {@link #encode(Object)} returns with a small header of its own (a format
 * version and the kind of entry), so a codec never sees, and can never produce, the cache's
 * negative-entry marker. Bytes given to {@link #decode(byte[], int, int)} come from Redis and are
 * untrusted: a codec must reject bytes it cannot decode with an {@link IllegalArgumentException}
 * (the cache then treats the entry as corrupt: a counted miss, and the key is deleted) and must
 * never use Java native serialization.
 *
 * <p>Implementations must be thread-safe and should be fast: {@code decode} runs on every hit.
 *
 * @param <V> the value type
 */
public interface ValueCodec<V> {

  /**
   * Encodes a value.
   *
   * @param value a non-null value
   * @return its bytes; never null. The array is not retained by the codec and may be reused by the
   *     caller.
   * @throws IllegalArgumentException if the value cannot be encoded
   */
  byte[] encode(V value);

  /**
   * Decodes a value from {@code length} bytes of {@code bytes} starting at {@code offset}.
   *
   * @param bytes the stored bytes (the codec must not modify them, nor keep a reference to the
   *     array once it returns: a bulk read decodes from a buffer it reuses)
   * @param offset where the codec's bytes start
   * @param length how many bytes are the codec's
   * @return the value; never null
   * @throws IllegalArgumentException if the bytes are not a valid encoding
   */
  V decode(byte[] bytes, int offset, int length);

  /**
   * Returns the codec of strings as UTF-8. Malformed UTF-8 decodes with replacement characters, as
   * {@link String#String(byte[], int, int, java.nio.charset.Charset)} does; bytes written by other
   * programs are still rejected by the cache's header check before they reach the codec.
   *
   * @return the shared UTF-8 codec
   */
  static ValueCodec<String> utf8() {
    return Utf8ValueCodec.INSTANCE;
  }

  /**
   * Returns the codec of byte arrays, stored as they are. Encoding and decoding copy the array, so
   * a caller that changes an array after a put or a get does not change what is cached.
   *
   * @return the shared byte-array codec
   */
  static ValueCodec<byte[]> bytes() {
    return ByteArrayValueCodec.INSTANCE;
  }
}
