package dev.strata.cache.redis.internal;

import dev.strata.cache.KeyCodec;
import java.nio.charset.StandardCharsets;

/**
 * Lays out the Redis keys of one cache: {@code <prefix>:<cache name>:<encoded key>}, UTF-8.
 *
 * <p>No hash tag is added, so on a Redis Cluster the entries of a cache spread over all slots. A
 * key whose encoded form contains {@code {...}} does form a hash tag of its own, as Redis defines.
 *
 * <p>Thread-safe and immutable.
 *
 * @param <K> the key type
 */
public final class RedisKeyLayout<K> {

  private final KeyCodec<K> keyCodec;
  private final byte[] namespace;
  private final String scanPattern;

  /**
   * Creates the layout of one cache.
   *
   * @param prefix the prefix, validated by the builder (no glob, brace or colon characters)
   * @param cacheName the cache name, validated likewise
   * @param keyCodec encodes keys
   */
  public RedisKeyLayout(String prefix, String cacheName, KeyCodec<K> keyCodec) {
    this.keyCodec = keyCodec;
    String ns = prefix + ':' + cacheName + ':';
    this.namespace = ns.getBytes(StandardCharsets.UTF_8);
    this.scanPattern = ns + '*';
  }

  /**
   * Returns the Redis key of a cache key.
   *
   * @param key the cache key; not null
   * @return a new array
   */
  public byte[] redisKey(K key) {
    String encoded = keyCodec.encode(key);
    int length = encoded.length();
    byte[] result = new byte[namespace.length + length];
    System.arraycopy(namespace, 0, result, 0, namespace.length);
    int at = namespace.length;
    for (int i = 0; i < length; i++) {
      char c = encoded.charAt(i);
      if (c >= 0x80) {
        return withUtf8(encoded);
      }
      result[at++] = (byte) c;
    }
    return result;
  }

  private byte[] withUtf8(String encoded) {
    byte[] bytes = encoded.getBytes(StandardCharsets.UTF_8);
    byte[] result = new byte[namespace.length + bytes.length];
    System.arraycopy(namespace, 0, result, 0, namespace.length);
    System.arraycopy(bytes, 0, result, namespace.length, bytes.length);
    return result;
  }

  /**
   * Returns the SCAN pattern matching every key of the cache.
   *
   * @return {@code <prefix>:<cache name>:*}
   */
  public String scanPattern() {
    return scanPattern;
  }
}
