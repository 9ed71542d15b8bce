package dev.strata.redis.internal;

import dev.strata.redis.RedisSettings;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.List;

/**
 * Creates Lettuce clients from {@link RedisSettings}: the only place in Strata where Lettuce client
 * options are built, so that every component gets the same policy.
 */
public final class LettuceClients {

  /** How long an adaptive refresh trigger is ignored after one fired. */
  static final Duration ADAPTIVE_REFRESH_TIMEOUT = Duration.ofSeconds(1);

  private LettuceClients() {}

  /**
   * Creates a client of a standalone or Sentinel-managed Redis whose default URI is {@code uri}.
   *
   * @param settings the policy
   * @param uri the URI, from {@link RedisSettings#redisUris()}
   * @return the client, which the caller shuts down
   */
  public static RedisClient standalone(RedisSettings settings, RedisURI uri) {
    RedisClient client = RedisClient.create(resources(settings), uri);
    client.setOptions(
        ClientOptions.builder()
            .socketOptions(socketOptions(settings))
            .timeoutOptions(timeoutOptions())
            .requestQueueSize(settings.requestQueueSize())
            .disconnectedBehavior(disconnectedBehavior(settings))
            .build());
    return client;
  }

  /**
   * Creates a Redis Cluster client.
   *
   * @param settings the policy
   * @param seeds the seed URIs, from {@link RedisSettings#redisUris()}
   * @return the client, which the caller shuts down
   */
  public static RedisClusterClient cluster(RedisSettings settings, List<RedisURI> seeds) {
    RedisClusterClient client = RedisClusterClient.create(resources(settings), seeds);
    ClusterTopologyRefreshOptions.Builder refresh = ClusterTopologyRefreshOptions.builder();
    if (!settings.topologyRefreshPeriod().isZero()) {
      refresh.enablePeriodicRefresh(settings.topologyRefreshPeriod());
    }
    if (settings.adaptiveTopologyRefresh()) {
      refresh
          .enableAllAdaptiveRefreshTriggers()
          .adaptiveRefreshTriggersTimeout(ADAPTIVE_REFRESH_TIMEOUT);
    }
    client.setOptions(
        ClusterClientOptions.builder()
            .topologyRefreshOptions(refresh.build())
            .socketOptions(socketOptions(settings))
            .timeoutOptions(timeoutOptions())
            .requestQueueSize(settings.requestQueueSize())
            .disconnectedBehavior(disconnectedBehavior(settings))
            .build());
    return client;
  }

  private static ClientResources resources(RedisSettings settings) {
    ClientResources own = settings.clientResources();
    return own != null ? own : SharedClientResources.get();
  }

  /**
   * Whether the JDK's extended socket options (keep-alive idle, interval and count) can be set:
   * they live in module {@code jdk.net}, which an application on the module path resolves only when
   * some module requires it. Lettuce refuses to connect when asked for them without it.
   */
  private static final boolean EXTENDED_KEEPALIVE =
      ModuleLayer.boot().findModule("jdk.net").isPresent();

  private static SocketOptions socketOptions(RedisSettings settings) {
    SocketOptions.Builder socket =
        SocketOptions.builder().connectTimeout(settings.connectTimeout());
    if (settings.tcpKeepAlive() && EXTENDED_KEEPALIVE) {
      socket.keepAlive(
          SocketOptions.KeepAliveOptions.builder()
              .enable()
              .idle(Duration.ofSeconds(30))
              .interval(Duration.ofSeconds(10))
              .count(3)
              .build());
    } else if (settings.tcpKeepAlive()) {
      socket.keepAlive(true); // SO_KEEPALIVE with the operating system's timings
    } else {
      socket.keepAlive(false);
    }
    return socket.build();
  }

  /** Every command times out after the timeout of its connection (which a component may set). */
  private static TimeoutOptions timeoutOptions() {
    return TimeoutOptions.builder().timeoutCommands().connectionTimeout().build();
  }

  private static ClientOptions.DisconnectedBehavior disconnectedBehavior(RedisSettings settings) {
    return settings.rejectCommandsWhileDisconnected()
        ? ClientOptions.DisconnectedBehavior.REJECT_COMMANDS
        : ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS;
  }
}
