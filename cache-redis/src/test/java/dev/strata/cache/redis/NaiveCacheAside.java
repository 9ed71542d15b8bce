package dev.strata.cache.redis;

import dev.strata.cache.KeyCodec;
import dev.strata.cache.redis.internal.RedisKeyLayout;
import dev.strata.cache.redis.internal.StoredValueFormat;
import dev.strata.redis.KeyNamespace;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The naive cache-aside a torture test must be able to catch: GET, on a miss load and fill with a
 * plain SET; invalidate with UNLINK. Same keys and stored format as {@link RedisCache}. A test
 * fixture only.
 */
final class NaiveCacheAside implements AutoCloseable {

  private final StatefulConnection<byte[], byte[]> connection;
  private final RedisClusterCommands<byte[], byte[]> commands;
  private final RedisKeyLayout<String> layout;

  NaiveCacheAside(AbstractRedisClient client, String cacheName) {
    if (client instanceof RedisClusterClient cluster) {
      var c = cluster.connect(ByteArrayCodec.INSTANCE);
      this.connection = c;
      this.commands = c.sync();
    } else {
      var c = ((RedisClient) client).connect(ByteArrayCodec.INSTANCE);
      this.connection = c;
      this.commands = c.sync();
    }
    this.layout = new RedisKeyLayout<>(KeyNamespace.defaults(), cacheName, KeyCodec.string());
  }

  /** Returns the cached value, or loads it and fills it with a plain SET. */
  String get(String key, Function<String, String> loader) {
    byte[] redisKey = layout.redisKey(key);
    String found = valueOf(commands.get(redisKey));
    if (found != null) {
      return found;
    }
    String loaded = loader.apply(key);
    commands.set(redisKey, StoredValueFormat.frameValue(loaded.getBytes(StandardCharsets.UTF_8)));
    return loaded;
  }

  void invalidate(String key) {
    commands.unlink(layout.redisKey(key));
  }

  /** Decodes a stored entry of the Redis cache format: the value, or null for anything else. */
  static @Nullable String valueOf(byte @Nullable [] stored) {
    if (stored == null || StoredValueFormat.kindOf(stored) != StoredValueFormat.Kind.VALUE) {
      return null;
    }
    return new String(
        stored,
        StoredValueFormat.HEADER_BYTES,
        stored.length - StoredValueFormat.HEADER_BYTES,
        StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    connection.close();
  }
}
