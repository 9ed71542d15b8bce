package dev.strata.cache.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Redis (single server or cluster) as the cross-node tests see it: every call to a builder method
 * opens a new, independent client, as a separate node of a service would.
 */
abstract class RedisDeployment implements AutoCloseable {

  static final RedisCodec<String, byte[]> RAW =
      RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  private final List<AbstractRedisClient> clients = new CopyOnWriteArrayList<>();

  /** Opens a new client: a {@link RedisClient} or a {@link RedisClusterClient}. */
  protected abstract AbstractRedisClient newClient();

  /** Runs a command on every server, e.g. {@code CLIENT KILL TYPE pubsub}. */
  abstract void onEveryServer(String... command);

  final AbstractRedisClient client() {
    AbstractRedisClient client = newClient();
    clients.add(client);
    return client;
  }

  final RedisInvalidationBus.Builder bus() {
    return busOn(client());
  }

  static RedisInvalidationBus.Builder busOn(AbstractRedisClient client) {
    return client instanceof RedisClusterClient cluster
        ? RedisInvalidationBus.builder(cluster)
        : RedisInvalidationBus.builder((RedisClient) client);
  }

  static RedisCache.Builder<String, String> redisCacheOn(AbstractRedisClient client) {
    return client instanceof RedisClusterClient cluster
        ? RedisCache.builder(cluster)
        : RedisCache.builder((RedisClient) client);
  }

  final RedisVersionStore.Builder versionStore() {
    AbstractRedisClient client = client();
    return client instanceof RedisClusterClient cluster
        ? RedisVersionStore.builder(cluster)
        : RedisVersionStore.builder((RedisClient) client);
  }

  /** Opens a plain pub/sub connection of raw bytes on a client of its own. */
  final StatefulRedisPubSubConnection<String, byte[]> rawPubSub() {
    AbstractRedisClient client = client();
    return client instanceof RedisClusterClient cluster
        ? cluster.connectPubSub(RAW)
        : ((RedisClient) client).connectPubSub(RAW);
  }

  /** Publishes raw bytes on a channel, as any client of the Redis could. */
  final void publishRaw(String channel, byte[] message) {
    AbstractRedisClient client = client();
    if (client instanceof RedisClusterClient cluster) {
      try (var connection = cluster.connect(RAW)) {
        connection.sync().publish(channel, message);
      }
    } else {
      try (var connection = ((RedisClient) client).connect(RAW)) {
        connection.sync().publish(channel, message);
      }
    }
  }

  /** Drops every pub/sub connection, as a network blip or a proxy restart would. */
  final void killPubSubConnections() {
    onEveryServer("CLIENT", "KILL", "TYPE", "pubsub");
  }

  @Override
  public void close() {
    for (AbstractRedisClient client : clients) {
      client.shutdown();
    }
    clients.clear();
  }
}
