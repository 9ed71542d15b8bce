package dev.strata.redis;

import dev.strata.redis.internal.CommandRejections;
import dev.strata.redis.internal.LettuceClients;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the Redis connections of Strata components, all under one connection policy.
 *
 * <p>Made from {@link RedisSettings} ({@link #create(RedisSettings)}) the connector creates and
 * owns a Lettuce client; made from an application's client ({@link #of(RedisClient)}, {@link
 * #of(RedisClusterClient)}) it uses that client as it is set up and never shuts it down. Either way
 * {@link #close()} closes every connection the connector opened and still open, then shuts down the
 * client if the connector created it.
 *
 * <pre>{@code
 * try (RedisConnector redis = RedisConnector.create(RedisSettings.builder(uri).build());
 *     RedisConnection<byte[], byte[]> connection = redis.connect(ByteArrayCodec.INSTANCE)) {
 *   connection.async().get(key);   // the same on a standalone Redis and on a Cluster
 * }
 * }</pre>
 *
 * <p><b>Rejected commands.</b> A command that Lettuce refuses (the connection's bounded request
 * queue is full, or commands are rejected while disconnected) fails at once with a {@code
 * RedisException}. Components pass their command failures to {@link #countIfRejected(Throwable)},
 * so {@link #rejectedCommands()} tells how many were refused: a rising count means Redis is away
 * and load is being shed rather than buffered in memory.
 *
 * <p>Thread-safe. {@link #toString()} never shows a password.
 */
public final class RedisConnector implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RedisConnector.class);

  private final @Nullable RedisClient standalone;
  private final @Nullable RedisURI standaloneUri;
  private final @Nullable RedisClusterClient cluster;
  private final boolean owned;
  private final Duration commandTimeout;
  private final String description;
  private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();
  private final LongAdder rejected = new LongAdder();
  private final AtomicBoolean closed = new AtomicBoolean();

  private RedisConnector(
      @Nullable RedisClient standalone,
      @Nullable RedisURI standaloneUri,
      @Nullable RedisClusterClient cluster,
      boolean owned,
      Duration commandTimeout,
      String description) {
    this.standalone = standalone;
    this.standaloneUri = standaloneUri;
    this.cluster = cluster;
    this.owned = owned;
    this.commandTimeout = commandTimeout;
    this.description = description;
  }

  /**
   * Creates a connector that owns a Lettuce client made from {@code settings}. Nothing connects
   * yet: connections open on {@link #connect(RedisCodec)} and its siblings.
   *
   * @param settings the policy; not null
   * @return the connector, which the caller must {@link #close()}
   * @throws NullPointerException if {@code settings} is null
   */
  public static RedisConnector create(RedisSettings settings) {
    Objects.requireNonNull(settings, "settings must not be null");
    List<RedisURI> uris = settings.redisUris();
    String description = "RedisConnector[" + settings + "]";
    if (settings.isCluster()) {
      return new RedisConnector(
          null,
          null,
          LettuceClients.cluster(settings, uris),
          true,
          settings.commandTimeout(),
          description);
    }
    RedisURI uri = uris.get(0);
    return new RedisConnector(
        LettuceClients.standalone(settings, uri),
        uri,
        null,
        true,
        settings.commandTimeout(),
        description);
  }

  /**
   * Creates a standalone (or Sentinel-managed) Lettuce client configured by {@code settings}, for
   * an application that shares one client between Strata and its own code (a framework's client
   * bean, for example) and hands it to {@link #of(RedisClient)}. The options are the ones {@link
   * #create(RedisSettings)} uses, so the connection policy stays in this module.
   *
   * @param settings standalone or Sentinel settings; not null
   * @return a new client with the settings' default URI, which the caller owns and shuts down
   * @throws NullPointerException if {@code settings} is null
   * @throws IllegalArgumentException if {@code settings} describe a Redis Cluster
   */
  public static RedisClient createStandaloneClient(RedisSettings settings) {
    Objects.requireNonNull(settings, "settings must not be null");
    if (settings.isCluster()) {
      throw new IllegalArgumentException(
          "settings describe a Redis Cluster; a standalone client needs standalone or Sentinel"
              + " settings: "
              + settings);
    }
    return LettuceClients.standalone(settings, settings.redisUris().get(0));
  }

  /**
   * Returns a connector on a standalone (or Sentinel-managed) client that the application owns and
   * has set up; the client must have a default {@link RedisURI} ({@code RedisClient.create(uri)}).
   * Connections get {@link RedisSettings#DEFAULT_COMMAND_TIMEOUT} unless opened with a timeout.
   *
   * @param client the client; not null, never shut down by the connector
   * @return the connector
   * @throws NullPointerException if {@code client} is null
   */
  public static RedisConnector of(RedisClient client) {
    Objects.requireNonNull(client, "client must not be null");
    return new RedisConnector(
        client,
        null,
        null,
        false,
        RedisSettings.DEFAULT_COMMAND_TIMEOUT,
        "RedisConnector[application's RedisClient]");
  }

  /**
   * Returns a connector on a Redis Cluster client that the application owns and has set up. Enable
   * topology refresh on it ({@link ClusterTopologyRefreshOptions}, periodic and adaptive); a
   * warning is logged when neither is on, since failovers and slot migrations are then followed
   * only through redirects.
   *
   * @param client the client; not null, never shut down by the connector
   * @return the connector
   * @throws NullPointerException if {@code client} is null
   */
  public static RedisConnector of(RedisClusterClient client) {
    Objects.requireNonNull(client, "client must not be null");
    if (client.getOptions() instanceof ClusterClientOptions options) {
      ClusterTopologyRefreshOptions refresh = options.getTopologyRefreshOptions();
      if (!refresh.isPeriodicRefreshEnabled() && refresh.getAdaptiveRefreshTriggers().isEmpty()) {
        LOG.warn(
            "The RedisClusterClient given to Strata refreshes its topology neither periodically"
                + " nor adaptively; enable ClusterTopologyRefreshOptions so that failovers and"
                + " slot migrations are followed");
      }
    }
    return new RedisConnector(
        null,
        null,
        client,
        false,
        RedisSettings.DEFAULT_COMMAND_TIMEOUT,
        "RedisConnector[application's RedisClusterClient]");
  }

  /**
   * Returns whether this connector talks to a Redis Cluster.
   *
   * @return {@code true} for a cluster
   */
  public boolean isCluster() {
    return cluster != null;
  }

  /**
   * Returns whether this connector created its client (and shuts it down on {@link #close()}).
   *
   * @return {@code false} for an application's client
   */
  public boolean ownsClient() {
    return owned;
  }

  /**
   * Returns the command timeout that connections get unless opened with their own.
   *
   * @return the timeout
   */
  public Duration commandTimeout() {
    return commandTimeout;
  }

  /**
   * Opens a connection with the connector's command timeout.
   *
   * @param codec the codec, e.g. {@code ByteArrayCodec.INSTANCE}; not null
   * @param <K> the key type
   * @param <V> the value type
   * @return a new connection, which the caller closes (or {@link #close()} does)
   * @throws io.lettuce.core.RedisConnectionException if Redis cannot be reached now
   * @throws IllegalStateException if the connector is closed
   */
  public <K, V> RedisConnection<K, V> connect(RedisCodec<K, V> codec) {
    return connect(codec, commandTimeout);
  }

  /**
   * Opens a connection whose commands time out after {@code commandTimeout}.
   *
   * @param codec the codec; not null
   * @param commandTimeout positive
   * @param <K> the key type
   * @param <V> the value type
   * @return a new connection, which the caller closes (or {@link #close()} does)
   * @throws io.lettuce.core.RedisConnectionException if Redis cannot be reached now
   * @throws IllegalStateException if the connector is closed
   */
  public <K, V> RedisConnection<K, V> connect(RedisCodec<K, V> codec, Duration commandTimeout) {
    Objects.requireNonNull(codec, "codec must not be null");
    requirePositive(commandTimeout);
    requireOpen();
    if (cluster != null) {
      StatefulRedisClusterConnection<K, V> c = cluster.connect(codec);
      c.setTimeout(commandTimeout);
      return track(c, wrap(c));
    }
    RedisClient client = Objects.requireNonNull(standalone);
    StatefulRedisConnection<K, V> c =
        standaloneUri == null ? client.connect(codec) : client.connect(codec, standaloneUri);
    c.setTimeout(commandTimeout);
    return track(c, wrap(c));
  }

  /**
   * Opens a connection without blocking the caller (on an application's standalone client the
   * connect runs on the calling thread, since Lettuce offers no asynchronous connect to a client's
   * default URI).
   *
   * @param codec the codec; not null
   * @param commandTimeout positive
   * @param <K> the key type
   * @param <V> the value type
   * @return the connection to be, failing with the connect failure
   */
  public <K, V> CompletableFuture<RedisConnection<K, V>> connectAsync(
      RedisCodec<K, V> codec, Duration commandTimeout) {
    Objects.requireNonNull(codec, "codec must not be null");
    requirePositive(commandTimeout);
    try {
      requireOpen();
      if (cluster != null) {
        RedisClusterClient client = cluster;
        // connectAsync needs the topology; load it without blocking first
        return client
            .refreshPartitionsAsync()
            .toCompletableFuture()
            .thenCompose(loaded -> client.connectAsync(codec))
            .thenApply(
                c -> {
                  c.setTimeout(commandTimeout);
                  return track(c, wrap(c));
                });
      }
      RedisClient client = Objects.requireNonNull(standalone);
      if (standaloneUri == null) {
        return CompletableFuture.completedFuture(connect(codec, commandTimeout));
      }
      return client
          .connectAsync(codec, standaloneUri)
          .toCompletableFuture()
          .thenApply(
              c -> {
                c.setTimeout(commandTimeout);
                return track(c, wrap(c));
              });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Opens a pub/sub connection. On a Cluster, Lettuce's cluster pub/sub connection is returned (its
   * {@code SUBSCRIBE} reaches every message, since Redis Cluster broadcasts {@code PUBLISH}).
   *
   * @param codec the codec; not null
   * @param <K> the key (channel) type
   * @param <V> the message type
   * @return a new connection, which the caller closes (or {@link #close()} does)
   * @throws io.lettuce.core.RedisConnectionException if Redis cannot be reached now
   * @throws IllegalStateException if the connector is closed
   */
  public <K, V> StatefulRedisPubSubConnection<K, V> connectPubSub(RedisCodec<K, V> codec) {
    Objects.requireNonNull(codec, "codec must not be null");
    requireOpen();
    StatefulRedisPubSubConnection<K, V> c;
    if (cluster != null) {
      c = cluster.connectPubSub(codec);
    } else {
      RedisClient client = Objects.requireNonNull(standalone);
      c =
          standaloneUri == null
              ? client.connectPubSub(codec)
              : client.connectPubSub(codec, standaloneUri);
    }
    c.setTimeout(commandTimeout);
    // pub/sub connections are closed by their users without telling the connector: forget those
    open.removeIf(RedisConnector::closedByItsUser);
    open.add(c);
    return c;
  }

  /**
   * Counts {@code failure} if it is a command that Lettuce rejected (full request queue, or
   * rejected while disconnected). Components call this on every command failure; it costs nothing
   * on success paths.
   *
   * @param failure a command's failure, or null
   * @return whether it was a rejection
   */
  public boolean countIfRejected(@Nullable Throwable failure) {
    if (CommandRejections.isRejection(failure)) {
      rejected.increment();
      return true;
    }
    return false;
  }

  /**
   * Returns how many rejected commands were counted by {@link #countIfRejected(Throwable)}.
   *
   * @return the count since the connector was made
   */
  public long rejectedCommands() {
    return rejected.sum();
  }

  /**
   * Closes every connection this connector opened that is still open, then shuts down the client if
   * the connector created it (never an application's client). Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (AutoCloseable c : List.copyOf(open)) {
      if (closedByItsUser(c)) {
        continue; // a pub/sub connection closed by its bus, say
      }
      try {
        c.close();
      } catch (Exception e) {
        LOG.debug("closing a Redis connection failed: {}", RedisUris.describe(e));
      }
    }
    open.clear();
    if (owned) {
      AbstractRedisClient client = cluster != null ? cluster : Objects.requireNonNull(standalone);
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  /** How many connections {@link #close()} would still look at; for tests. */
  int trackedConnections() {
    return open.size();
  }

  private static boolean closedByItsUser(AutoCloseable connection) {
    return connection instanceof RedisChannelHandler<?, ?> handler && handler.isClosed();
  }

  @Override
  public String toString() {
    return description;
  }

  private <K, V> RedisConnection<K, V> wrap(StatefulRedisClusterConnection<K, V> c) {
    return new RedisConnection<>(c, c.async(), c.sync(), true, () -> open.remove(c));
  }

  private <K, V> RedisConnection<K, V> wrap(StatefulRedisConnection<K, V> c) {
    return new RedisConnection<>(c, c.async(), c.sync(), false, () -> open.remove(c));
  }

  private <K, V> RedisConnection<K, V> track(AutoCloseable raw, RedisConnection<K, V> connection) {
    open.add(raw);
    if (closed.get()) {
      // closed while connecting: do not leak the new connection
      connection.close();
      throw new IllegalStateException("the Redis connector is closed");
    }
    return connection;
  }

  private void requireOpen() {
    if (closed.get()) {
      throw new IllegalStateException("the Redis connector is closed");
    }
  }

  private static void requirePositive(@Nullable Duration timeout) {
    Objects.requireNonNull(timeout, "commandTimeout must not be null");
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("commandTimeout must be positive but was " + timeout);
    }
  }
}
