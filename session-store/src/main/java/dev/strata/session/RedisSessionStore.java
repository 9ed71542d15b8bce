package dev.strata.session;

import dev.strata.session.internal.DecodeFailureLog;
import dev.strata.session.internal.LoadedHash;
import dev.strata.session.internal.PrincipalIndex;
import dev.strata.session.internal.RedisCalls;
import dev.strata.session.internal.SessionConnection;
import dev.strata.session.internal.SessionCounters;
import dev.strata.session.internal.SessionIdFingerprint;
import dev.strata.session.internal.SessionIdGenerator;
import dev.strata.session.internal.SessionKeys;
import dev.strata.session.internal.SessionScript;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SessionStore} in Redis (standalone or Redis Cluster) on Lettuce.
 *
 * <h2>Key layout</h2>
 *
 * <ul>
 *   <li>{@code <prefix>:{<id>}}: one hash per session with the fields {@code created}, {@code
 *       accessed}, {@code idle} (idle timeout), {@code expires} (absolute expiry), all in epoch
 *       milliseconds, {@code bytes} (encoded size of the attributes), {@code principal} if set, and
 *       {@code a:<name>} per attribute. The key's time-to-live is the earlier of idle and absolute
 *       expiry, computed by the scripts from the stored fields on each access. The id is the key's
 *       hash tag.
 *   <li>{@code <prefix>:principal:<name>}: a sorted set of the principal's session ids scored by
 *       login time; see {@code docs/session-store-security.md} for how it stays consistent.
 * </ul>
 *
 * <p>Loading is one HGETALL whose reply is checked against the session's timestamps, so an expired
 * session is never returned even before Redis deletes it; a live session's idle expiry is then slid
 * by a small Lua script sent without waiting for its reply. Saving and renaming are each one Lua
 * script on the session key, run with EVALSHA (falling back to EVAL when the script is not cached);
 * a save writes only the changed attributes and never recreates a session that is gone. On a
 * standalone Redis the save script also maintains the principal index and the per-principal cap; in
 * a cluster that takes a second step (see {@code docs/session-store-security.md}).
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

  private static final Logger LOG = LoggerFactory.getLogger(RedisSessionStore.class);

  private final SessionKeys keys;
  private final long idleMillis;
  private final long maxLifetimeMillis;
  private final SessionSettings settings;
  private final Clock clock;
  private final SessionWriter writer;
  private final SessionIdGenerator ids = new SessionIdGenerator();
  private final StatefulConnection<String, byte[]> connection;
  private final RedisClusterAsyncCommands<String, byte[]> commands;
  private final RedisCalls calls;
  private final PrincipalIndex index;
  private final @Nullable AutoCloseable ownedClient;
  private final SessionCounters counters = new SessionCounters();
  private final AtomicBoolean closed = new AtomicBoolean();

  private RedisSessionStore(Builder b, SessionConnection c) {
    this.keys = SessionKeys.under(b.keyPrefix);
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
    this.connection = c.connection();
    this.commands = c.commands();
    this.calls =
        new RedisCalls(commands, b.commandTimeout, counters, SessionStoreUnavailableException::new);
    this.index =
        new PrincipalIndex(
            calls, keys, !c.cluster(), b.maxSessionsPerPrincipal, maxLifetimeMillis, counters);
    this.ownedClient = c.ownedClient();
    this.writer =
        new SessionWriter(
            keys, settings, calls, index, counters, clock, ids, c.cluster(), b.rotateIdOnLogin);
  }

  /**
   * Starts a builder for a store on a standalone Redis reached through a client the caller owns
   * (and closes after the store).
   *
   * @param client the Lettuce client
   * @return a new builder
   */
  public static Builder builder(RedisClient client) {
    return new Builder(Objects.requireNonNull(client, "client"), null, null, null);
  }

  /**
   * Starts a builder for a store on a Redis Cluster reached through a client the caller owns.
   *
   * @param client the Lettuce cluster client
   * @return a new builder
   */
  public static Builder builder(RedisClusterClient client) {
    return new Builder(null, Objects.requireNonNull(client, "client"), null, null);
  }

  /**
   * Starts a builder for a store on a standalone Redis at {@code uri} ({@code redis://host:port} or
   * {@code rediss://...}); the store creates its client and closes it on {@link #close()}.
   *
   * @param uri the Redis URI
   * @return a new builder
   */
  public static Builder builder(String uri) {
    return new Builder(null, null, Objects.requireNonNull(uri, "uri"), null);
  }

  /**
   * Starts a builder for a store on a Redis Cluster found through the given seed URIs; the store
   * creates its client and closes it on {@link #close()}.
   *
   * @param seedUris one or more node URIs
   * @return a new builder
   */
  public static Builder clusterBuilder(List<String> seedUris) {
    return new Builder(null, null, null, List.copyOf(seedUris));
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
    Map<String, byte[]> hash = calls.await(commands.hgetall(key), "load");
    StoredSession session = null;
    switch (LoadedHash.outcome(hash, now)) {
      case LIVE -> {
        LoadedHash h = LoadedHash.parse(hash);
        if (h.totalBytes() > settings.maxSessionBytes()) {
          counters.oversizedLoads.increment();
          LOG.debug(
              "session {} holds {} bytes of attributes, over maxSessionBytes {}; it may only shrink",
              SessionIdFingerprint.of(id),
              h.totalBytes(),
              settings.maxSessionBytes());
        }
        session =
            new StoredSession(
                settings,
                id,
                false,
                h.created(),
                now,
                Math.min(h.idle(), maxLifetimeMillis),
                h.expires(),
                h.principal(),
                h.attributes(),
                h.totalBytes());
        calls.sendIgnoringReply(SessionScript.TOUCH, new String[] {key}, ascii(now));
      }
      case EXPIRED -> counters.expired.increment();
      case GARBLED ->
          LOG.warn(
              "session {} has unreadable metadata; treated as absent", SessionIdFingerprint.of(id));
      case ABSENT -> {}
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
    Objects.requireNonNull(principal, "principal");
    return index.find(principal, clock.millis());
  }

  @Override
  public int invalidateByPrincipal(String principal) {
    Objects.requireNonNull(principal, "principal");
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
    if (ownedClient != null) {
      try {
        ownedClient.close();
      } catch (Exception e) {
        LOG.warn("closing the session store's Redis client failed", e);
      }
    }
  }

  /**
   * Returns the Redis key of a session's hash.
   *
   * @param id the session id
   * @return {@code <prefix>:{<id>}}
   */
  public String sessionKey(String id) {
    return keys.session(id);
  }

  /**
   * Returns the Redis key of a principal's session index.
   *
   * @param principal the principal name
   * @return {@code <prefix>:principal:<principal>}
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

    private final @Nullable RedisClient client;
    private final @Nullable RedisClusterClient clusterClient;
    private final @Nullable String uri;
    private final @Nullable List<String> seedUris;
    private String keyPrefix = "strata:session";
    private Duration idleTimeout = Duration.ofMinutes(30);
    private Duration maxLifetime = Duration.ofHours(12);
    private Duration commandTimeout = Duration.ofSeconds(2);
    private int maxAttributeBytes = 64 * 1024;
    private long maxSessionBytes = 1024 * 1024;
    private int maxSessionsPerPrincipal = 0;
    private boolean rotateIdOnLogin = false;
    private AttributeCodec codec = JsonAttributeCodec.defaults();
    private Clock clock = Clock.systemUTC();

    private Builder(
        @Nullable RedisClient client,
        @Nullable RedisClusterClient clusterClient,
        @Nullable String uri,
        @Nullable List<String> seedUris) {
      this.client = client;
      this.clusterClient = clusterClient;
      this.uri = uri;
      this.seedUris = seedUris;
    }

    /**
     * Sets the prefix of every key; default {@code strata:session}. Must not contain braces.
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
      if (keyPrefix == null
          || keyPrefix.isEmpty()
          || keyPrefix.indexOf('{') >= 0
          || keyPrefix.indexOf('}') >= 0) {
        throw new IllegalArgumentException(
            "keyPrefix must be non-empty and free of braces but was '" + keyPrefix + "'");
      }
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
      try {
        return connect();
      } catch (io.lettuce.core.RedisException e) {
        throw new SessionStoreUnavailableException(
            "session store cannot connect to Redis: " + e.getMessage(), e);
      }
    }

    private RedisSessionStore connect() {
      SessionConnection c;
      if (client != null) {
        c = SessionConnection.of(client, commandTimeout);
      } else if (clusterClient != null) {
        c = SessionConnection.of(clusterClient, commandTimeout);
      } else if (uri != null) {
        c = SessionConnection.toUri(uri, commandTimeout);
      } else {
        c = SessionConnection.toCluster(Objects.requireNonNull(seedUris), commandTimeout);
      }
      return new RedisSessionStore(this, c);
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
