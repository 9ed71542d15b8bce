package dev.strata.redis;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The one connection policy of every Strata component that talks to Redis: where Redis is
 * (standalone, Sentinel-managed or Cluster), how to authenticate, and how the Lettuce client
 * behaves when Redis is slow or away. Immutable; made by {@link #builder(String)}, {@link
 * #clusterBuilder(List)} or {@link #sentinelBuilder(String, List)}, and turned into connections by
 * {@link RedisConnector#create(RedisSettings)}.
 *
 * <pre>{@code
 * RedisSettings settings = RedisSettings.builder("rediss://cache.internal:6380/0")
 *     .credentials("app", () -> vault.read("redis-password"))   // no secret in the URI
 *     .clientName("orders")
 *     .commandTimeout(Duration.ofMillis(500))
 *     .build();
 * }</pre>
 *
 * <p>Defaults: connect timeout 10 s; command timeout 2 s (Lettuce times out every command after the
 * timeout of its connection); a request queue of {@value #DEFAULT_REQUEST_QUEUE_SIZE} commands per
 * connection (commands beyond it fail at once instead of piling up in memory); standalone and
 * Sentinel connections reject commands while disconnected (a Cluster connection buffers them in its
 * bounded queue, because it opens node connections lazily); TCP keepalive on; a Cluster topology
 * refreshed every 15 s and on every adaptive trigger (MOVED, ASK, reconnects; at most once a
 * second); the process-wide shared {@link ClientResources}.
 *
 * <p>{@link #toString()} never shows a password. Thread-safe.
 */
public final class RedisSettings {

  /** The default bound of each connection's request queue. */
  public static final int DEFAULT_REQUEST_QUEUE_SIZE = 10_000;

  /** The default command timeout. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);

  /** The default connect timeout. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** The default period of the Cluster topology refresh. */
  public static final Duration DEFAULT_TOPOLOGY_REFRESH_PERIOD = Duration.ofSeconds(15);

  private final boolean cluster;
  private final List<String> uris;
  private final @Nullable Boolean tls;
  private final @Nullable Boolean verifyPeer;
  private final @Nullable String username;
  private final @Nullable Supplier<char[]> password;
  private final @Nullable String clientName;
  private final Duration connectTimeout;
  private final Duration commandTimeout;
  private final Duration topologyRefreshPeriod;
  private final boolean adaptiveTopologyRefresh;
  private final int requestQueueSize;
  private final boolean rejectCommandsWhileDisconnected;
  private final boolean tcpKeepAlive;
  private final @Nullable ClientResources clientResources;
  private final @Nullable String sentinelMasterId;
  private final String description;

  private RedisSettings(Builder b) {
    this.cluster = b.cluster;
    this.uris = List.copyOf(b.uris);
    this.sentinelMasterId = b.sentinelMasterId;
    this.tls = b.tls;
    this.verifyPeer = b.verifyPeer;
    this.username = b.username;
    this.password = b.password;
    this.clientName = b.clientName;
    this.connectTimeout = b.connectTimeout;
    this.commandTimeout = b.commandTimeout;
    this.topologyRefreshPeriod = b.topologyRefreshPeriod;
    this.adaptiveTopologyRefresh = b.adaptiveTopologyRefresh;
    this.requestQueueSize = b.requestQueueSize;
    this.rejectCommandsWhileDisconnected =
        b.rejectCommandsWhileDisconnected != null ? b.rejectCommandsWhileDisconnected : !b.cluster;
    this.tcpKeepAlive = b.tcpKeepAlive;
    this.clientResources = b.clientResources;
    this.description = describe();
  }

  private String describe() {
    StringBuilder d = new StringBuilder("RedisSettings[");
    d.append(cluster ? "cluster " : "standalone ");
    List<RedisURI> parsed = redisUris();
    for (int i = 0; i < parsed.size(); i++) {
      d.append(i == 0 ? "" : ",").append(RedisUris.toString(parsed.get(i)));
    }
    if (password != null) {
      d.append(", credentials from a supplier");
      if (username != null) {
        d.append(" (user ").append(username).append(')');
      }
    }
    if (clientName != null) {
      d.append(", clientName=").append(clientName);
    }
    d.append(", commandTimeout=").append(commandTimeout);
    d.append(", requestQueueSize=").append(requestQueueSize).append(']');
    return d.toString();
  }

  /**
   * Returns a builder for a standalone Redis, or a Sentinel-managed one given as a {@code
   * redis-sentinel://} URI.
   *
   * @param uri {@code redis://[user:password@]host[:port][/database]}, {@code rediss://...} for
   *     TLS, {@code redis-socket:///path}, or {@code
   *     redis-sentinel://[password@]host[:port][,host2[:port2]][/database]#masterName}
   * @return the builder
   * @throws NullPointerException if {@code uri} is null
   * @throws IllegalArgumentException if {@code uri} is not a Redis URI (the message shows it
   *     without its password)
   */
  public static Builder builder(String uri) {
    RedisUris.parse(uri, "uri");
    return new Builder(false, List.of(uri));
  }

  /**
   * Returns a builder for a Redis Cluster, from the URIs of one or more of its nodes (the others
   * are discovered).
   *
   * @param seedUris node URIs such as {@code redis://10.0.0.1:7000}; not empty
   * @return the builder
   * @throws NullPointerException if {@code seedUris} or an element is null
   * @throws IllegalArgumentException if there are none or one is not a Redis URI
   */
  public static Builder clusterBuilder(List<String> seedUris) {
    Objects.requireNonNull(seedUris, "seedUris must not be null");
    if (seedUris.isEmpty()) {
      throw new IllegalArgumentException("seedUris must not be empty");
    }
    for (String uri : seedUris) {
      RedisUris.parse(uri, "seedUris element");
    }
    return new Builder(true, seedUris);
  }

  /**
   * Returns a builder for a Sentinel-managed Redis, from the name of the monitored master and the
   * URIs of its sentinels.
   *
   * @param masterId the master's name as the sentinels know it; not empty
   * @param sentinelUris sentinel URIs such as {@code redis://10.0.0.1:26379}; not empty
   * @return the builder
   * @throws NullPointerException if an argument or element is null
   * @throws IllegalArgumentException if {@code masterId} is empty, there are no sentinels or one is
   *     not a Redis URI
   */
  public static Builder sentinelBuilder(String masterId, List<String> sentinelUris) {
    Objects.requireNonNull(masterId, "masterId must not be null");
    Objects.requireNonNull(sentinelUris, "sentinelUris must not be null");
    if (masterId.isEmpty()) {
      throw new IllegalArgumentException("masterId must not be empty");
    }
    if (sentinelUris.isEmpty()) {
      throw new IllegalArgumentException("sentinelUris must not be empty");
    }
    for (String sentinelUri : sentinelUris) {
      RedisUris.parse(sentinelUri, "sentinelUris element");
    }
    Builder builder = new Builder(false, sentinelUris);
    builder.sentinelMasterId = masterId;
    return builder;
  }

  /**
   * Returns whether these settings describe a Redis Cluster.
   *
   * @return {@code true} for a cluster, {@code false} for a standalone or Sentinel-managed Redis
   */
  public boolean isCluster() {
    return cluster;
  }

  /**
   * Returns the URIs as Lettuce reads them, with the TLS, credential, client name and timeout
   * settings applied: one for a standalone or Sentinel-managed Redis, the seeds for a cluster. Each
   * call returns new, mutable objects.
   *
   * @return the URIs
   */
  public List<RedisURI> redisUris() {
    List<RedisURI> result = new ArrayList<>(uris.size());
    if (sentinelMasterId != null) {
      RedisURI.Builder sentinels = null;
      for (String uri : uris) {
        RedisURI sentinel = RedisURI.create(uri);
        if (sentinels == null) {
          sentinels =
              RedisURI.Builder.sentinel(sentinel.getHost(), sentinel.getPort(), sentinelMasterId)
                  .withDatabase(sentinel.getDatabase())
                  .withSsl(sentinel.isSsl());
          if (sentinel.getCredentialsProvider() != null) {
            sentinels.withAuthentication(sentinel);
          }
        } else {
          sentinels.withSentinel(sentinel);
        }
      }
      result.add(apply(Objects.requireNonNull(sentinels).build()));
      return result;
    }
    for (String uri : uris) {
      result.add(apply(RedisURI.create(uri)));
    }
    return result;
  }

  private RedisURI apply(RedisURI uri) {
    if (tls != null) {
      uri.setSsl(tls);
    }
    if (verifyPeer != null) {
      uri.setVerifyPeer(verifyPeer);
    }
    Supplier<char[]> secret = password;
    if (secret != null) {
      String user = username;
      uri.setCredentialsProvider(
          RedisCredentialsProvider.from(
              () ->
                  RedisCredentials.just(
                      user,
                      Objects.requireNonNull(secret.get(), "the password supplier gave null"))));
    }
    if (clientName != null) {
      uri.setClientName(clientName);
    }
    uri.setTimeout(commandTimeout);
    return uri;
  }

  /**
   * Returns how long opening a TCP connection may take.
   *
   * @return the connect timeout
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * Returns how long a command may take before it fails with a timeout, unless a component sets its
   * own on the connection it opens.
   *
   * @return the command timeout
   */
  public Duration commandTimeout() {
    return commandTimeout;
  }

  /**
   * Returns the period of the Cluster topology refresh; zero when periodic refresh is off.
   *
   * @return the period
   */
  public Duration topologyRefreshPeriod() {
    return topologyRefreshPeriod;
  }

  /**
   * Returns whether the Cluster topology is refreshed on adaptive triggers (MOVED, ASK,
   * reconnects).
   *
   * @return whether adaptive refresh is on
   */
  public boolean adaptiveTopologyRefresh() {
    return adaptiveTopologyRefresh;
  }

  /**
   * Returns the bound of each connection's request queue (commands sent and awaiting a reply, or
   * buffered while disconnected).
   *
   * @return the bound
   */
  public int requestQueueSize() {
    return requestQueueSize;
  }

  /**
   * Returns whether commands fail at once while a connection is disconnected.
   *
   * @return the setting
   */
  public boolean rejectCommandsWhileDisconnected() {
    return rejectCommandsWhileDisconnected;
  }

  /**
   * Returns whether TCP keepalive is on.
   *
   * @return the setting
   */
  public boolean tcpKeepAlive() {
    return tcpKeepAlive;
  }

  /**
   * Returns the client name sent with {@code CLIENT SETNAME}, or null for none.
   *
   * @return the name
   */
  public @Nullable String clientName() {
    return clientName;
  }

  /**
   * Returns the resources the application gave, or null for the process-wide shared ones.
   *
   * @return the resources
   */
  public @Nullable ClientResources clientResources() {
    return clientResources;
  }

  /**
   * Returns the settings without secrets: the URIs (passwords masked), and whether credentials come
   * from a supplier.
   */
  @Override
  public String toString() {
    return description;
  }

  /**
   * Builds {@link RedisSettings}. Not thread-safe; every setting is validated in {@link #build()}
   * with a message naming the setting and its value (never a password).
   */
  public static final class Builder {

    private final boolean cluster;
    private final List<String> uris;
    private @Nullable String sentinelMasterId;
    private @Nullable Boolean tls;
    private @Nullable Boolean verifyPeer;
    private @Nullable String username;
    private @Nullable Supplier<char[]> password;
    private @Nullable String clientName;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private Duration topologyRefreshPeriod = DEFAULT_TOPOLOGY_REFRESH_PERIOD;
    private boolean adaptiveTopologyRefresh = true;
    private int requestQueueSize = DEFAULT_REQUEST_QUEUE_SIZE;
    private @Nullable Boolean rejectCommandsWhileDisconnected;
    private boolean tcpKeepAlive = true;
    private @Nullable ClientResources clientResources;

    private Builder(boolean cluster, List<String> uris) {
      this.cluster = cluster;
      this.uris = List.copyOf(uris);
    }

    /**
     * Turns TLS on or off for every URI, whatever its scheme says ({@code rediss://} turns it on).
     *
     * @param tls whether to use TLS
     * @return this builder
     */
    public Builder tls(boolean tls) {
      this.tls = tls;
      return this;
    }

    /**
     * Sets whether a TLS peer's certificate and host name are verified; default as the URI says
     * (on).
     *
     * @param verifyPeer whether to verify
     * @return this builder
     */
    public Builder verifyPeer(boolean verifyPeer) {
      this.verifyPeer = verifyPeer;
      return this;
    }

    /**
     * Authenticates with an ACL user and a password read from {@code password} at every connect (so
     * a rotated secret is picked up on reconnect), instead of any credentials in the URIs.
     *
     * @param username the ACL user, or null for the default user
     * @param password supplies the password; not null, and must not return null
     * @return this builder
     */
    public Builder credentials(@Nullable String username, Supplier<char[]> password) {
      this.username = username;
      this.password = Objects.requireNonNull(password, "password must not be null");
      return this;
    }

    /**
     * Authenticates the default user with a password read from {@code password} at every connect.
     *
     * @param password supplies the password; not null, and must not return null
     * @return this builder
     */
    public Builder password(Supplier<char[]> password) {
      return credentials(null, password);
    }

    /**
     * Sets the name every connection gives itself ({@code CLIENT SETNAME}), shown by {@code CLIENT
     * LIST}.
     *
     * @param clientName 1 to 100 printable characters without spaces
     * @return this builder
     */
    public Builder clientName(String clientName) {
      this.clientName = clientName;
      return this;
    }

    /**
     * Sets how long opening a TCP connection may take.
     *
     * @param connectTimeout positive; default 10 s
     * @return this builder
     */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    /**
     * Sets how long a command may take before it fails with a timeout.
     *
     * @param commandTimeout positive; default 2 s
     * @return this builder
     */
    public Builder commandTimeout(Duration commandTimeout) {
      this.commandTimeout = commandTimeout;
      return this;
    }

    /**
     * Sets the period of the Cluster topology refresh; ignored for a standalone Redis.
     *
     * @param period positive, or zero to turn periodic refresh off; default 15 s
     * @return this builder
     */
    public Builder topologyRefreshPeriod(Duration period) {
      this.topologyRefreshPeriod = period;
      return this;
    }

    /**
     * Turns the adaptive Cluster topology refresh on or off; ignored for a standalone Redis.
     *
     * @param adaptive whether to refresh on MOVED, ASK and reconnects; default on
     * @return this builder
     */
    public Builder adaptiveTopologyRefresh(boolean adaptive) {
      this.adaptiveTopologyRefresh = adaptive;
      return this;
    }

    /**
     * Bounds each connection's request queue: a command beyond it fails at once with a {@code
     * RedisException} ("Request queue size exceeded") and is counted by {@link
     * RedisConnector#rejectedCommands()}.
     *
     * @param requestQueueSize positive; default {@value #DEFAULT_REQUEST_QUEUE_SIZE}
     * @return this builder
     */
    public Builder requestQueueSize(int requestQueueSize) {
      this.requestQueueSize = requestQueueSize;
      return this;
    }

    /**
     * Sets whether commands fail at once while a connection is disconnected, instead of waiting in
     * the bounded request queue for the reconnect. Default: on for a standalone or Sentinel-managed
     * Redis, off for a Cluster (whose node connections open lazily and would reject the first
     * commands to every node).
     *
     * @param reject whether to reject
     * @return this builder
     */
    public Builder rejectCommandsWhileDisconnected(boolean reject) {
      this.rejectCommandsWhileDisconnected = reject;
      return this;
    }

    /**
     * Turns TCP keepalive on or off (30 s idle, then probes every 10 s, 3 probes, where the
     * platform supports it), so that a silently dropped connection is noticed.
     *
     * @param keepAlive whether to use keepalive; default on
     * @return this builder
     */
    public Builder tcpKeepAlive(boolean keepAlive) {
      this.tcpKeepAlive = keepAlive;
      return this;
    }

    /**
     * Uses the application's Lettuce resources (event loops, timers) instead of the process-wide
     * shared ones. The application shuts them down, after every connector that uses them.
     *
     * @param clientResources the resources; not null
     * @return this builder
     */
    public Builder clientResources(ClientResources clientResources) {
      this.clientResources =
          Objects.requireNonNull(clientResources, "clientResources must not be null");
      return this;
    }

    /**
     * Validates the settings.
     *
     * @return the settings
     * @throws IllegalArgumentException naming the first invalid setting and its value
     * @throws NullPointerException naming a setting that was set to null
     */
    public RedisSettings build() {
      requirePositive(connectTimeout, "connectTimeout");
      requirePositive(commandTimeout, "commandTimeout");
      Objects.requireNonNull(topologyRefreshPeriod, "topologyRefreshPeriod must not be null");
      if (topologyRefreshPeriod.isNegative()) {
        throw new IllegalArgumentException(
            "topologyRefreshPeriod must be zero or positive but was " + topologyRefreshPeriod);
      }
      if (requestQueueSize <= 0) {
        throw new IllegalArgumentException(
            "requestQueueSize must be positive but was " + requestQueueSize);
      }
      if (clientName != null
          && (clientName.isEmpty()
              || clientName.length() > 100
              || !clientName.chars().allMatch(c -> c > ' ' && c < 127))) {
        throw new IllegalArgumentException(
            "clientName must be 1 to 100 printable characters without spaces but was '"
                + clientName
                + "'");
      }
      return new RedisSettings(this);
    }

    private static void requirePositive(@Nullable Duration value, String field) {
      Objects.requireNonNull(value, () -> field + " must not be null");
      if (value.isZero() || value.isNegative()) {
        throw new IllegalArgumentException(field + " must be positive but was " + value);
      }
    }
  }
}
