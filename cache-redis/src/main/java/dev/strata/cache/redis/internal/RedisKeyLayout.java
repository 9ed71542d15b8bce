package dev.strata.cache.redis.internal;

import dev.strata.cache.KeyCodec;
import dev.strata.redis.KeyNamespace;
import java.nio.charset.StandardCharsets;

/**
 * Lays out the Redis keys of one cache in its own sub-space of the {@link KeyNamespace}: {@code
 * <keyPrefix>:c:<cache name>:<encoded key>}, UTF-8. No other component's key, and no other cache's
 * key, starts with a cache's sub-space, so the SCAN pattern of {@link #scanPattern()} matches only
 * this cache's keys.
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
   * @param keys the key namespace of the application
   * @param cacheName the cache name, validated by the namespace
   * @param keyCodec encodes keys
   */
  public RedisKeyLayout(KeyNamespace keys, String cacheName, KeyCodec<K> keyCodec) {
    this.keyCodec = keyCodec;
    this.namespace = keys.cacheKeyPrefix(cacheName).getBytes(StandardCharsets.UTF_8);
    this.scanPattern = keys.cacheScanPattern(cacheName);
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
   * Returns whether a Redis key lies in this cache's sub-space.
   *
   * @param redisKey a Redis key
   * @return whether it starts with {@code <keyPrefix>:c:<cache name>:}
   */
  public boolean owns(byte[] redisKey) {
    if (redisKey.length < namespace.length) {
      return false;
    }
    for (int i = 0; i < namespace.length; i++) {
      if (redisKey[i] != namespace[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns the SCAN pattern matching every key of the cache and no other key.
   *
   * @return {@code <keyPrefix>:c:<cache name>:*}
   */
  public String scanPattern() {
    return scanPattern;
  }
}
