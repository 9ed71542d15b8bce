package dev.strata.session;

import dev.strata.redis.KeyNamespace;
import dev.strata.redis.RedisConnection;
import dev.strata.redis.RedisConnector;
import dev.strata.redis.RedisSettings;
import dev.strata.redis.RedisUris;
import dev.strata.session.internal.DecodeFailureLog;
import dev.strata.session.internal.LoadedHash;
import dev.strata.session.internal.PrincipalIndex;
import dev.strata.session.internal.RedisCalls;
import dev.strata.session.internal.SessionCounters;
import dev.strata.session.internal.SessionIdFingerprint;
import dev.strata.session.internal.SessionIdGenerator;
import dev.strata.session.internal.SessionKeys;
import dev.strata.session.internal.SessionScript;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SessionStore} in Redis (standalone or Redis Cluster) on Lettuce.
 *
 * <h2>Key layout</h2>
 *
 * <ul>
 *   <li>{@code <prefix>:s:{<id>}} (the session sub-space of {@link KeyNamespace}): one hash per
 *       session with the fields {@code created}, {@code accessed}, {@code idle} (idle timeout),
 *       {@code expires} (absolute expiry), all in epoch milliseconds, {@code bytes} (encoded size
 *       of the attributes), {@code principal} if set, and {@code a:<name>} per attribute. The key's
 *       time-to-live is the earlier of idle and absolute expiry, computed by the scripts from the
 *       stored fields on each access. The id is the key's hash tag.
 *   <li>{@code <prefix>:s:p:<name>}: a sorted set of the principal's session ids scored by login
 *       time; see {@code docs/session-store-security.md} for how it stays consistent.
 * </ul>
 *
 * <p>Loading is one Lua script that reads the hash and, if the session is live by its stored
 * timestamps, records the access and slides its idle expiry; the reply is checked against the same
 * timestamps, so an expired session is never returned even before Redis deletes it. Saving and
 * renaming are each one Lua script on the session key, run with EVALSHA (falling back to EVAL when
 * the script is not cached); a save writes only the changed attributes and never recreates a
 * session that is gone. On a standalone Redis the save script also maintains the principal index
 * and the per-principal cap; in a cluster that takes a second step (see {@code
 * docs/session-store-security.md}).
 *
 * <h2>Changing the id in Redis Cluster</h2>
 *
 * A rename must keep both keys on one node. In cluster mode the new id is drawn so that it hashes
 * to the same slot as the old one: 40 of its 43 characters are fresh random (240 bits), the last
 * three are chosen among those that land in the slot. The script then RENAMEs the hash, which is
 * atomic and keeps its time-to-live. Standalone stores draw a fully random 256-bit id.
 *
 * <h2>Clock</h2>
 *
 * Expiry is judged by the store's {@link Clock}, not by Redis' clock; application instances must
 * have synchronised clocks (as for any token expiry).
 *
 * <p>Thread-safe: one shared Lettuce connection serves all threads.
 */
public final class RedisSessionStore implements SessionStore {

  private static final RedisCodec<String, byte[]> CODEC =
      RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
  private static final Logger LOG = LoggerFactory.getLogger(RedisSessionStore.class);

  private final SessionKeys keys;
  private final long idleMillis;
  private final long maxLifetimeMillis;
  private final SessionSettings settings;
  private final Clock clock;
  private final SessionWriter writer;
  private final SessionIdGenerator ids = new SessionIdGenerator();
  private final RedisConnector connector;
  private final boolean ownsConnector;
  private final RedisConnection<String, byte[]> connection;
  private final RedisClusterAsyncCommands<String, byte[]> commands;
  private final RedisCalls calls;
  private final PrincipalIndex index;
  private final SessionCounters counters = new SessionCounters();
  private final AtomicBoolean closed = new AtomicBoolean();

  private RedisSessionStore(
      Builder b,
      RedisConnector connector,
      boolean ownsConnector,
      RedisConnection<String, byte[]> connection) {
    this.keys = SessionKeys.in(KeyNamespace.of(b.keyPrefix));
    this.idleMillis = b.idleTimeout.toMillis();
    this.maxLifetimeMillis = b.maxLifetime.toMillis();
    this.settings =
        new SessionSettings(
            b.codec,
            b.maxAttributeBytes,
            b.maxSessionBytes,
            maxLifetimeMillis,
            new DecodeFailureLog(counters));
    this.clock = b.clock;
    this.connector = connector;
    this.ownsConnector = ownsConnector;
    this.connection = connection;
    this.commands = connection.async();
    this.calls =
        new RedisCalls(
            commands, b.commandTimeout, counters, SessionStoreUnavailableException::new, connector);
    boolean cluster = connection.isCluster();
    this.index =
        new PrincipalIndex(
            calls, keys, !cluster, b.maxSessionsPerPrincipal, maxLifetimeMillis, counters);
    this.writer =
        new SessionWriter(
            keys, settings, calls, index, counters, clock, ids, cluster, b.rotateIdOnLogin);
  }

  /**
   * Starts a builder for a store on a standalone Redis reached through a client the caller owns
   * (and closes after the store).
   *
   * @param client the Lettuce client
   * @return a new builder
   */
  public static Builder builder(RedisClient client) {
    return new Builder(
        RedisConnector.of(Objects.requireNonNull(client, "client must not be null")), true);
  }

  /**
   * Starts a builder for a store on a connector the caller owns (and closes after the store): the
   * store opens its own connection under the connector's policy and closes only that connection.
   *
   * @param connector the connector, shared with other Strata components
   * @return a new builder
   */
  public static Builder builder(RedisConnector connector) {
    return new Builder(Objects.requireNonNull(connector, "connector must not be null"), false);
  }

  /**
   * Starts a builder for a store on a Redis Cluster reached through a client the caller owns.
   *
   * @param client the Lettuce cluster client
   * @return a new builder
   */
  public static Builder builder(RedisClusterClient client) {
    return new Builder(
        RedisConnector.of(Objects.requireNonNull(client, "client must not be null")), true);
  }

  /**
   * Starts a builder for a store on a standalone Redis at {@code uri} ({@code redis://host:port} or
   * {@code rediss://...}) under the default {@link RedisSettings} policy; the store creates its
   * client and closes it on {@link #close()}. For credentials from a supplier, TLS or Sentinel,
   * make a {@link RedisConnector} from {@link RedisSettings} and use {@link
   * #builder(RedisConnector)}.
   *
   * @param uri the Redis URI
   * @return a new builder
   */
  public static Builder builder(String uri) {
    Objects.requireNonNull(uri, "uri must not be null");
    return new Builder(timeout -> RedisSettings.builder(uri).commandTimeout(timeout).build());
  }

  /**
   * Starts a builder for a store on a Redis Cluster found through the given seed URIs; the store
   * creates its client and closes it on {@link #close()}.
   *
   * @param seedUris one or more node URIs
   * @return a new builder
   */
  public static Builder clusterBuilder(List<String> seedUris) {
    List<String> seeds = List.copyOf(seedUris);
    return new Builder(
        timeout -> RedisSettings.clusterBuilder(seeds).commandTimeout(timeout).build());
  }

  @Override
  public Session create() {
    long now = clock.millis();
    return new StoredSession(
        settings,
        ids.generate(),
        true,
        now,
        now,
        idleMillis,
        now + maxLifetimeMillis,
        null,
        new java.util.HashMap<>(),
        0);
  }

  @Override
  public Optional<Session> find(@Nullable String id) {
    if (!SessionIdGenerator.isWellFormed(id)) {
      counters.rejectedIds.increment();
      return Optional.empty();
    }
    long start = System.nanoTime();
    long now = clock.millis();
    String key = keys.session(id);
    List<Object> reply =
        calls.runScript(SessionScript.LOAD, ScriptOutputType.MULTI, new String[] {key}, ascii(now));
    LoadedHash h = LoadedHash.parse(reply);
    StoredSession session = null;
    LoadedHash.Outcome outcome = h == null ? null : h.outcome(now);
    if (h != null && outcome == LoadedHash.Outcome.LIVE) {
      if (h.totalBytes() > settings.maxSessionBytes()) {
        counters.oversizedLoads.increment();
      }
      session = StoredSession.loaded(settings, id, now, h);
    } else if (outcome == LoadedHash.Outcome.EXPIRED) {
      counters.expired.increment();
    } else if (outcome == LoadedHash.Outcome.GARBLED) {
      LOG.warn(
          "session {} has unreadable metadata; treated as absent", SessionIdFingerprint.of(id));
    }
    counters.loads.increment();
    counters.loadNanos.add(System.nanoTime() - start);
    if (session == null) {
      counters.loadMisses.increment();
    }
    return Optional.ofNullable(session);
  }

  @Override
  public boolean save(Session session) {
    return writer.save(own(session));
  }

  @Override
  public void invalidate(String id) {
    if (!SessionIdGenerator.isWellFormed(id)) {
      counters.rejectedIds.increment();
      return;
    }
    Long deleted = calls.await(commands.unlink(keys.session(id)), "invalidate");
    if (deleted > 0) {
      counters.invalidated.increment();
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>The new id is adopted as soon as the rename in Redis succeeded: if the principal index then
   * cannot be updated, that is logged and the new id is still returned, so the user stays logged
   * in.
   */
  @Override
  public String changeSessionId(Session session) {
    StoredSession s = own(session);
    if (s.isNew()) {
      s.setId(ids.generate());
      return s.getId();
    }
    if (!writer.rename(s)) {
      throw new IllegalStateException(
          "cannot change the id of session "
              + SessionIdFingerprint.of(s.getId())
              + ": it no longer exists (expired or invalidated)");
    }
    return s.getId();
  }

  @Override
  public List<String> findByPrincipal(String principal) {
    Objects.requireNonNull(principal, "principal must not be null");
    return index.find(principal, clock.millis());
  }

  @Override
  public int invalidateByPrincipal(String principal) {
    Objects.requireNonNull(principal, "principal must not be null");
    return index.invalidateAll(principal);
  }

  @Override
  public boolean isAvailable() {
    if (closed.get()) {
      return false;
    }
    try {
      return "PONG".equals(calls.await(commands.ping(), "ping"));
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public SessionStoreStats stats() {
    SessionCounters c = counters;
    return new SessionStoreStats(
        c.created.sum(),
        c.expired.sum(),
        c.invalidated.sum(),
        c.evicted.sum(),
        c.loads.sum(),
        c.loadMisses.sum(),
        c.loadNanos.sum(),
        c.saves.sum(),
        c.saveNanos.sum(),
        c.decodeFailures.sum(),
        c.rejectedIds.sum(),
        c.failures.sum(),
        c.sizeLimitRejections.sum(),
        c.oversizedLoads.sum());
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    connection.close();
    if (ownsConnector) {
      connector.close();
    }
  }

  /**
   * Returns the Redis key of a session's hash.
   *
   * @param id the session id
   * @return {@code <prefix>:s:{<id>}}
   */
  public String sessionKey(String id) {
    return keys.session(id);
  }

  /**
   * Returns the Redis key of a principal's session index.
   *
   * @param principal the principal name
   * @return {@code <prefix>:s:p:<principal>}
   */
  public String principalKey(String principal) {
    return keys.principal(principal);
  }

  /**
   * Returns the idle timeout new sessions get.
   *
   * @return the configured idle timeout
   */
  public Duration idleTimeout() {
    return Duration.ofMillis(idleMillis);
  }

  private StoredSession own(Session session) {
    if (session instanceof StoredSession s) {
      return s;
    }
    throw new IllegalArgumentException(
        "session must come from a RedisSessionStore but was " + session.getClass().getName());
  }

  private static byte[] ascii(long value) {
    return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Builds a {@link RedisSessionStore}. Not thread-safe; {@link #build()} validates every option
   * and connects.
   */
  public static final class Builder {

    private static final Duration MAX_LIFETIME = Duration.ofDays(366);

    private final @Nullable RedisConnector connector;
    private final boolean ownsConnector;
    private final @Nullable Function<Duration, RedisSettings> settings;
    private String keyPrefix = KeyNamespace.DEFAULT_KEY_PREFIX;
    private Duration idleTimeout = Duration.ofMinutes(30);
    private Duration maxLifetime = Duration.ofHours(12);
    private Duration commandTimeout = Duration.ofSeconds(2);
    private int maxAttributeBytes = 64 * 1024;
    private long maxSessionBytes = 1024 * 1024;
    private int maxSessionsPerPrincipal = 0;
    private boolean rotateIdOnLogin = false;
    private AttributeCodec codec = JsonAttributeCodec.defaults();
    private Clock clock = Clock.systemUTC();

    private Builder(RedisConnector connector, boolean ownsConnector) {
      this.connector = connector;
      this.ownsConnector = ownsConnector;
      this.settings = null;
    }

    private Builder(Function<Duration, RedisSettings> settings) {
      this.connector = null;
      this.ownsConnector = true;
      this.settings = settings;
    }

    /**
     * Sets the key prefix of the shared {@link KeyNamespace}; default {@code strata}. Sessions are
     * kept under {@code <prefix>:s:{<id>}} and principal indexes under {@code <prefix>:s:p:<name>}.
     *
     * @param keyPrefix the prefix
     * @return this builder
     */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = keyPrefix;
      return this;
    }

    /**
     * Sets the idle timeout of new sessions (sliding on each access); default 30 minutes.
     *
     * @param idleTimeout a positive duration of at least one second
     * @return this builder
     */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = idleTimeout;
      return this;
    }

    /**
     * Sets the absolute lifetime of a session from its creation, not moved by access; default 12
     * hours.
     *
     * @param maxLifetime a positive duration, at least the idle timeout and at most 366 days
     * @return this builder
     */
    public Builder maxLifetime(Duration maxLifetime) {
      this.maxLifetime = maxLifetime;
      return this;
    }

    /**
     * Sets how long a Redis call may take before it fails with {@link
     * SessionStoreUnavailableException}; default 2 seconds.
     *
     * @param commandTimeout a positive duration of at most 10 minutes
     * @return this builder
     */
    public Builder commandTimeout(Duration commandTimeout) {
      this.commandTimeout = commandTimeout;
      return this;
    }

    /**
     * Sets the largest encoded size of one attribute (name plus value); default 64 KiB.
     *
     * @param maxAttributeBytes a positive number of bytes
     * @return this builder
     */
    public Builder maxAttributeBytes(int maxAttributeBytes) {
      this.maxAttributeBytes = maxAttributeBytes;
      return this;
    }

    /**
     * Sets the largest total encoded size of all attributes of a session; default 1 MiB.
     *
     * @param maxSessionBytes a positive number of bytes, at least maxAttributeBytes
     * @return this builder
     */
    public Builder maxSessionBytes(long maxSessionBytes) {
      this.maxSessionBytes = maxSessionBytes;
      return this;
    }

    /**
     * Caps the live sessions of one principal; when a save adds a session beyond the cap the oldest
     * others are invalidated. Default 0: no cap.
     *
     * @param maxSessionsPerPrincipal zero (no cap) or a positive number
     * @return this builder
     */
    public Builder maxSessionsPerPrincipal(int maxSessionsPerPrincipal) {
      this.maxSessionsPerPrincipal = maxSessionsPerPrincipal;
      return this;
    }

    /**
     * Gives a session a new id whenever a save sets its principal (a login), against session
     * fixation even when the application forgets {@code changeSessionId}. Default false.
     *
     * @param rotateIdOnLogin whether a save that sets the principal first changes the id
     * @return this builder
     */
    public Builder rotateIdOnLogin(boolean rotateIdOnLogin) {
      this.rotateIdOnLogin = rotateIdOnLogin;
      return this;
    }

    /**
     * Sets the attribute codec; default {@link JsonAttributeCodec#defaults()}.
     *
     * @param codec the codec
     * @return this builder
     */
    public Builder codec(AttributeCodec codec) {
      this.codec = codec;
      return this;
    }

    /**
     * Sets the clock that judges expiry; default the system UTC clock. Tests use a movable clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * Validates the options and connects.
     *
     * @return the store
     * @throws IllegalArgumentException naming the first bad option and its value
     * @throws SessionStoreUnavailableException if Redis cannot be reached
     */
    public RedisSessionStore build() {
      KeyNamespace.of(keyPrefix);
      requirePositive("idleTimeout", idleTimeout);
      requirePositive("maxLifetime", maxLifetime);
      requirePositive("commandTimeout", commandTimeout);
      requireAtMost("maxLifetime", maxLifetime, MAX_LIFETIME);
      requireAtMost("commandTimeout", commandTimeout, Duration.ofMinutes(10));
      if (idleTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException(
            "idleTimeout must be at least 1 second but was " + idleTimeout);
      }
      if (maxLifetime.compareTo(idleTimeout) < 0) {
        throw new IllegalArgumentException(
            "maxLifetime must be at least idleTimeout ("
                + idleTimeout
                + ") but was "
                + maxLifetime);
      }
      if (maxAttributeBytes <= 0) {
        throw new IllegalArgumentException(
            "maxAttributeBytes must be positive but was " + maxAttributeBytes);
      }
      if (maxSessionBytes < maxAttributeBytes) {
        throw new IllegalArgumentException(
            "maxSessionBytes must be at least maxAttributeBytes ("
                + maxAttributeBytes
                + ") but was "
                + maxSessionBytes);
      }
      if (maxSessionsPerPrincipal < 0) {
        throw new IllegalArgumentException(
            "maxSessionsPerPrincipal must be zero or positive but was " + maxSessionsPerPrincipal);
      }
      Objects.requireNonNull(codec, "codec must not be null");
      Objects.requireNonNull(clock, "clock must not be null");
      RedisConnector c =
          connector != null
              ? connector
              : RedisConnector.create(Objects.requireNonNull(settings).apply(commandTimeout));
      try {
        return new RedisSessionStore(this, c, ownsConnector, c.connect(CODEC, commandTimeout));
      } catch (RuntimeException e) {
        if (ownsConnector) {
          c.close();
        }
        if (e instanceof io.lettuce.core.RedisException) {
          throw new SessionStoreUnavailableException(
              "session store cannot connect to Redis: " + RedisUris.describe(e), e);
        }
        throw e;
      }
    }

    private static void requireAtMost(String field, Duration value, Duration max) {
      if (value.compareTo(max) > 0) {
        throw new IllegalArgumentException(field + " must be at most " + max + " but was " + value);
      }
    }

    private static void requirePositive(String field, @Nullable Duration value) {
      if (value == null || value.isZero() || value.isNegative()) {
        throw new IllegalArgumentException(field + " must be positive but was " + value);
      }
    }
  }
}
