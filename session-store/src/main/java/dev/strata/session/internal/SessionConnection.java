package dev.strata.session.internal;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The session store's one connection (String keys, byte-array values) and, when the store made it,
 * the client to shut down with it.
 *
 * @param connection the connection
 * @param commands its asynchronous commands
 * @param cluster whether it reaches a Redis Cluster
 * @param ownedClient closes the client the store created, or null if the caller owns it
 */
public record SessionConnection(
    StatefulConnection<String, byte[]> connection,
    RedisClusterAsyncCommands<String, byte[]> commands,
    boolean cluster,
    @Nullable AutoCloseable ownedClient) {

  private static final RedisCodec<String, byte[]> CODEC =
      RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  /**
   * Connects through a standalone client the caller owns.
   *
   * @param client the client
   * @param timeout the command timeout
   * @return the connection
   */
  public static SessionConnection of(RedisClient client, Duration timeout) {
    var c = client.connect(CODEC);
    c.setTimeout(timeout);
    return new SessionConnection(c, c.async(), false, null);
  }

  /**
   * Connects through a cluster client the caller owns.
   *
   * @param client the client
   * @param timeout the command timeout
   * @return the connection
   */
  public static SessionConnection of(RedisClusterClient client, Duration timeout) {
    var c = client.connect(CODEC);
    c.setTimeout(timeout);
    return new SessionConnection(c, c.async(), true, null);
  }

  /**
   * Creates a standalone client (commands rejected while disconnected) and connects.
   *
   * @param uri the Redis URI
   * @param timeout the command timeout
   * @return the connection, owning its client
   */
  public static SessionConnection toUri(String uri, Duration timeout) {
    RedisClient owned = RedisClient.create(RedisURI.create(uri));
    owned.setOptions(
        ClientOptions.builder()
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .build());
    try {
      var c = owned.connect(CODEC);
      c.setTimeout(timeout);
      return new SessionConnection(
          c, c.async(), false, () -> owned.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
    } catch (RuntimeException e) {
      owned.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      throw e;
    }
  }

  /**
   * Creates a cluster client with adaptive topology refresh and connects.
   *
   * @param seedUris the seed node URIs
   * @param timeout the command timeout
   * @return the connection, owning its client
   */
  public static SessionConnection toCluster(List<String> seedUris, Duration timeout) {
    List<RedisURI> uris = new ArrayList<>();
    for (String seed : seedUris) {
      uris.add(RedisURI.create(seed));
    }
    if (uris.isEmpty()) {
      throw new IllegalArgumentException("seedUris must not be empty");
    }
    RedisClusterClient owned = RedisClusterClient.create(uris);
    // Node connections open on demand, so commands must be accepted while one connects; the
    // command timeout bounds the wait when a node is down.
    owned.setOptions(
        ClusterClientOptions.builder()
            .topologyRefreshOptions(
                ClusterTopologyRefreshOptions.builder().enableAllAdaptiveRefreshTriggers().build())
            .build());
    try {
      var c = owned.connect(CODEC);
      c.setTimeout(timeout);
      return new SessionConnection(
          c, c.async(), true, () -> owned.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
    } catch (RuntimeException e) {
      owned.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      throw e;
    }
  }
}
