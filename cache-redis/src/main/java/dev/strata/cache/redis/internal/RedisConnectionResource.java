package dev.strata.cache.redis.internal;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Lettuce connection of a cache (standalone or cluster), and the client when the cache owns
 * it. Closing closes the connection and shuts down an owned client. Thread-safe.
 */
public final class RedisConnectionResource implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RedisConnectionResource.class);

  private final StatefulConnection<byte[], byte[]> connection;
  private final RedisClusterAsyncCommands<byte[], byte[]> commands;
  private final @Nullable AbstractRedisClient ownedClient;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RedisConnectionResource(
      StatefulConnection<byte[], byte[]> connection,
      RedisClusterAsyncCommands<byte[], byte[]> commands,
      @Nullable AbstractRedisClient ownedClient) {
    this.connection = connection;
    this.commands = commands;
    this.ownedClient = ownedClient;
  }

  /**
   * Opens a connection of a standalone (or Sentinel-managed) Redis client.
   *
   * @param client the client, with a default URI
   * @param owned whether closing shuts the client down
   * @param timeout the command timeout, set on the connection
   * @return the resource
   */
  public static RedisConnectionResource open(RedisClient client, boolean owned, Duration timeout) {
    try {
      StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
      connection.setTimeout(timeout);
      return new RedisConnectionResource(connection, connection.async(), owned ? client : null);
    } catch (RuntimeException e) {
      if (owned) {
        client.shutdown();
      }
      throw e;
    }
  }

  /**
   * Opens a connection of a Redis Cluster client. Warns when the client refreshes its topology
   * neither periodically nor adaptively, since then slot migrations and failovers are only noticed
   * through redirects.
   *
   * @param client the client
   * @param owned whether closing shuts the client down
   * @param timeout the command timeout, set on the connection
   * @return the resource
   */
  public static RedisConnectionResource open(
      RedisClusterClient client, boolean owned, Duration timeout) {
    if (client.getOptions() instanceof ClusterClientOptions options) {
      ClusterTopologyRefreshOptions refresh = options.getTopologyRefreshOptions();
      if (!refresh.isPeriodicRefreshEnabled() && refresh.getAdaptiveRefreshTriggers().isEmpty()) {
        LOG.warn(
            "The RedisClusterClient given to a Redis cache refreshes its topology neither"
                + " periodically nor adaptively; enable ClusterTopologyRefreshOptions so that"
                + " failovers and slot migrations are followed");
      }
    }
    try {
      StatefulRedisClusterConnection<byte[], byte[]> connection =
          client.connect(ByteArrayCodec.INSTANCE);
      connection.setTimeout(timeout);
      return new RedisConnectionResource(connection, connection.async(), owned ? client : null);
    } catch (RuntimeException e) {
      if (owned) {
        client.shutdown();
      }
      throw e;
    }
  }

  /**
   * Returns the asynchronous commands of the connection.
   *
   * @return the commands, shared by every caller
   */
  public RedisClusterAsyncCommands<byte[], byte[]> commands() {
    return commands;
  }

  /** Closes the connection and shuts down an owned client; idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      connection.close();
    } finally {
      if (ownedClient != null) {
        ownedClient.shutdown();
      }
    }
  }
}
