package dev.strata.session;

import dev.strata.session.internal.SessionIdFingerprint;
import dev.strata.session.internal.SessionIdGenerator;
import dev.strata.session.internal.SessionScript;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
 *       milliseconds, {@code principal} if set, and {@code a:<name>} per attribute. The key's
 *       time-to-live is the earlier of idle and absolute expiry, refreshed on each access. The id
 *       is the key's hash tag.
 *   <li>{@code <prefix>:principal:<name>}: a sorted set of the principal's session ids scored by
 *       absolute expiry. Entries past their score are removed with ZREMRANGEBYSCORE and entries
 *       whose session is gone are removed when the set is read; the set itself expires after the
 *       maximum lifetime. No keyspace notifications are used.
 * </ul>
 *
 * <p>Loading is one HGETALL whose reply is checked against the session's timestamps, so an expired
 * session is never returned even before Redis deletes it; a live session's idle expiry is then slid
 * by a small Lua script sent without waiting for its reply (it runs before anything this store
 * sends next), so a load costs one round trip. Saving and renaming are each one Lua script on the
 * session key, run with EVALSHA (falling back to EVAL once per node when the script is not cached);
 * a save writes only the changed attributes (HSET/HDEL) and never recreates a session that is gone.
 * Principal-index updates go to a different key (a different cluster slot) and are pipelined beside
 * the script, so they cost no extra round trip.
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

  static final String ATTRIBUTE_FIELD_PREFIX = "a:";
  private static final Logger LOG = LoggerFactory.getLogger(RedisSessionStore.class);
  private static final RedisCodec<String, byte[]> CODEC =
      RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
  private static final byte[] ONE = {'1'};
  private static final byte[] ZERO = {'0'};
  private static final byte[] EMPTY = {};
  private static final long DECODE_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final String keyPrefix;
  private final String principalKeyPrefix;
  private final long idleMillis;
  private final long maxLifetimeMillis;
  private final long timeoutNanos;
  private final Duration commandTimeout;
  private final int maxAttributeBytes;
  private final long maxSessionBytes;
  private final int maxSessionsPerPrincipal;
  private final AttributeCodec codec;
  private final Clock clock;
  private final boolean cluster;
  private final SessionIdGenerator ids;
  private final StatefulConnection<String, byte[]> connection;
  private final RedisClusterAsyncCommands<String, byte[]> commands;
  private final @Nullable AutoCloseable ownedClient;
  private final SessionStoreStatistics statistics = new SessionStoreStatistics();
  private final AtomicLong lastDecodeLogNanos =
      new AtomicLong(System.nanoTime() - DECODE_LOG_INTERVAL_NANOS);
  private final AtomicBoolean closed = new AtomicBoolean();

  private RedisSessionStore(
      Builder b,
      StatefulConnection<String, byte[]> connection,
      RedisClusterAsyncCommands<String, byte[]> commands,
      boolean cluster,
      @Nullable AutoCloseable ownedClient) {
    this.keyPrefix = b.keyPrefix + ":{";
    this.principalKeyPrefix = b.keyPrefix + ":principal:";
    this.idleMillis = b.idleTimeout.toMillis();
    this.maxLifetimeMillis = b.maxLifetime.toMillis();
    this.commandTimeout = b.commandTimeout;
    this.timeoutNanos = b.commandTimeout.toNanos();
    this.maxAttributeBytes = b.maxAttributeBytes;
    this.maxSessionBytes = b.maxSessionBytes;
    this.maxSessionsPerPrincipal = b.maxSessionsPerPrincipal;
    this.codec = b.codec;
    this.clock = b.clock;
    this.cluster = cluster;
    this.ids = new SessionIdGenerator();
    this.connection = connection;
    this.commands = commands;
    this.ownedClient = ownedClient;
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

  // ---------------------------------------------------------------------------------- SessionStore

  @Override
  public Session create() {
    long now = clock.millis();
    return new StoredSession(
        this,
        ids.generate(),
        true,
        now,
        now,
        idleMillis,
        now + maxLifetimeMillis,
        null,
        new HashMap<>(),
        0);
  }

  @Override
  public Optional<Session> find(@Nullable String id) {
    if (!SessionIdGenerator.isWellFormed(id)) {
      statistics.recordRejectedId();
      return Optional.empty();
    }
    long start = System.nanoTime();
    long now = clock.millis();
    String key = sessionKey(id);
    Map<String, byte[]> hash = await(commands.hgetall(key), "load");
    StoredSession session = hash.isEmpty() ? null : parse(id, hash, now);
    if (session != null) {
      touch(key, now, Math.max(1, session.deadlineMillis() - now));
    }
    statistics.recordLoad(System.nanoTime() - start, session != null);
    return Optional.ofNullable(session);
  }

  @Override
  public boolean save(Session session) {
    StoredSession s = own(session);
    if (!s.isDirty()) {
      return true;
    }
    long start = System.nanoTime();
    long now = clock.millis();
    if (!s.isNew() && now >= s.deadlineMillis()) {
      LOG.debug(
          "session {} expired before it was saved; nothing written",
          SessionIdFingerprint.of(s.getId()));
      return false;
    }
    Map<String, byte[]> sets = s.pendingSets();
    boolean principalSet = s.principalChanged() && s.getPrincipal() != null;
    boolean principalCleared = s.principalChanged() && s.getPrincipal() == null;
    boolean idleSet = s.idleChanged() && !s.isNew();
    int setCount = sets.size() + (principalSet ? 1 : 0) + (idleSet ? 1 : 0);
    int delCount = s.pendingRemovals().size() + (principalCleared ? 1 : 0);
    long ttl = Math.max(1, Math.min(now + s.idleMillis(), s.absoluteExpiryMillis()) - now);
    byte[][] args = new byte[7 + setCount * 2 + delCount][];
    args[0] = millisArg(now);
    args[1] = s.isNew() ? ONE : ZERO;
    args[2] = millisArg(s.creationMillis());
    args[3] = millisArg(ttl);
    args[4] = millisArg(s.absoluteExpiryMillis());
    args[5] = millisArg(s.idleMillis());
    args[6] = Integer.toString(setCount).getBytes(StandardCharsets.US_ASCII);
    int i = 7;
    for (Map.Entry<String, byte[]> e : sets.entrySet()) {
      args[i++] = attributeField(e.getKey());
      args[i++] = e.getValue();
    }
    if (principalSet) {
      args[i++] = PRINCIPAL;
      args[i++] = s.getPrincipal().getBytes(StandardCharsets.UTF_8);
    }
    if (idleSet) {
      args[i++] = IDLE;
      args[i++] = args[5];
    }
    for (String name : s.pendingRemovals()) {
      args[i++] = attributeField(name);
    }
    if (principalCleared) {
      args[i++] = PRINCIPAL;
    }
    List<RedisFuture<?>> indexUpdates = principalIndexUpdates(s);
    Long result;
    try {
      result =
          runScript(
              SessionScript.SAVE,
              ScriptOutputType.INTEGER,
              new String[] {sessionKey(s.getId())},
              args);
      awaitAll(indexUpdates, "principal index update");
    } catch (SessionStoreUnavailableException e) {
      indexUpdates.forEach(f -> f.cancel(true));
      throw e;
    }
    if (result == -1L) {
      throw new IllegalStateException(
          "a session with id fingerprint "
              + SessionIdFingerprint.of(s.getId())
              + " already exists; a new session must not be saved twice by separate objects");
    }
    if (result == 0L) {
      LOG.debug(
          "session {} was gone when saving; nothing written", SessionIdFingerprint.of(s.getId()));
      return false;
    }
    boolean wasNew = s.isNew();
    boolean principalAdded = principalSet;
    s.markSaved(now);
    statistics.recordSave(System.nanoTime() - start);
    if (wasNew) {
      statistics.recordCreated();
    }
    if (principalAdded && maxSessionsPerPrincipal > 0) {
      evictBeyondCap(s.getPrincipal(), s.getId());
    }
    return true;
  }

  @Override
  public void invalidate(String id) {
    if (!SessionIdGenerator.isWellFormed(id)) {
      statistics.recordRejectedId();
      return;
    }
    Long deleted = await(commands.unlink(sessionKey(id)), "invalidate");
    if (deleted > 0) {
      statistics.recordInvalidated(1);
    }
  }

  @Override
  public String changeSessionId(Session session) {
    StoredSession s = own(session);
    String oldId = s.getId();
    if (s.isNew()) {
      s.setId(ids.generate());
      return s.getId();
    }
    String newId = cluster ? ids.generateInSlot(SessionIdGenerator.slotOf(oldId)) : ids.generate();
    long now = clock.millis();
    String principal = s.savedPrincipal();
    List<RedisFuture<?>> indexUpdates = new ArrayList<>(2);
    if (principal != null) {
      indexUpdates.add(
          commands.zadd(
              principalKey(principal),
              (double) s.absoluteExpiryMillis(),
              newId.getBytes(StandardCharsets.US_ASCII)));
    }
    Long result;
    try {
      result =
          runScript(
              SessionScript.RENAME,
              ScriptOutputType.INTEGER,
              new String[] {sessionKey(oldId), sessionKey(newId)},
              millisArg(now));
      if (principal != null && result == 1L) {
        indexUpdates.add(
            commands.zrem(principalKey(principal), oldId.getBytes(StandardCharsets.US_ASCII)));
      }
      awaitAll(indexUpdates, "principal index update");
    } catch (SessionStoreUnavailableException e) {
      indexUpdates.forEach(f -> f.cancel(true));
      throw e;
    }
    if (result != 1L) {
      throw new IllegalStateException(
          "cannot change the id of session "
              + SessionIdFingerprint.of(oldId)
              + ": it no longer exists (expired or invalidated)");
    }
    s.setId(newId);
    return newId;
  }

  @Override
  public List<String> findByPrincipal(String principal) {
    Objects.requireNonNull(principal, "principal");
    long now = clock.millis();
    String key = principalKey(principal);
    RedisFuture<Long> pruned =
        commands.zremrangebyscore(key, Range.create(Double.NEGATIVE_INFINITY, (double) now));
    RedisFuture<List<byte[]>> members = commands.zrange(key, 0, -1);
    await(pruned, "principal index prune");
    List<byte[]> candidates = await(members, "principal index read");
    List<RedisFuture<Long>> checks = new ArrayList<>(candidates.size());
    byte[] nowArg = millisArg(now);
    for (byte[] member : candidates) {
      String id = new String(member, StandardCharsets.US_ASCII);
      checks.add(
          SessionIdGenerator.isWellFormed(id)
              ? evalsha(
                  SessionScript.IS_LIVE,
                  ScriptOutputType.INTEGER,
                  new String[] {sessionKey(id)},
                  nowArg)
              : null);
    }
    List<String> live = new ArrayList<>(candidates.size());
    List<byte[]> dead = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      RedisFuture<Long> check = checks.get(i);
      boolean isLive;
      if (check == null) {
        isLive = false;
      } else {
        Long r =
            awaitScript(
                check,
                SessionScript.IS_LIVE,
                ScriptOutputType.INTEGER,
                new String[] {sessionKey(new String(candidates.get(i), StandardCharsets.US_ASCII))},
                nowArg);
        isLive = r == 1L;
      }
      if (isLive) {
        live.add(new String(candidates.get(i), StandardCharsets.US_ASCII));
      } else {
        dead.add(candidates.get(i));
      }
    }
    if (!dead.isEmpty()) {
      await(commands.zrem(key, dead.toArray(new byte[0][])), "principal index prune");
    }
    return live;
  }

  @Override
  public int invalidateByPrincipal(String principal) {
    List<String> sessions = findByPrincipal(principal);
    List<RedisFuture<Long>> deletes = new ArrayList<>(sessions.size());
    for (String id : sessions) {
      deletes.add(commands.unlink(sessionKey(id)));
    }
    RedisFuture<Long> dropIndex = commands.unlink(principalKey(principal));
    int count = 0;
    for (RedisFuture<Long> d : deletes) {
      count += await(d, "invalidate by principal").intValue();
    }
    await(dropIndex, "invalidate by principal");
    statistics.recordInvalidated(count);
    return count;
  }

  @Override
  public boolean isAvailable() {
    if (closed.get()) {
      return false;
    }
    try {
      return "PONG".equals(await(commands.ping(), "ping"));
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public SessionStoreStatistics statistics() {
    return statistics;
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
    return keyPrefix + id + '}';
  }

  /**
   * Returns the Redis key of a principal's session index.
   *
   * @param principal the principal name
   * @return {@code <prefix>:principal:<principal>}
   */
  public String principalKey(String principal) {
    return principalKeyPrefix + principal;
  }

  /**
   * Returns the idle timeout new sessions get.
   *
   * @return the configured idle timeout
   */
  public Duration idleTimeout() {
    return Duration.ofMillis(idleMillis);
  }

  // ------------------------------------------------------------------------------ package helpers

  AttributeCodec codec() {
    return codec;
  }

  int maxAttributeBytes() {
    return maxAttributeBytes;
  }

  long maxSessionBytes() {
    return maxSessionBytes;
  }

  void reportDecodeFailure(String id, String attribute, RuntimeException e) {
    statistics.recordDecodeFailure();
    long now = System.nanoTime();
    long last = lastDecodeLogNanos.get();
    if (now - last >= DECODE_LOG_INTERVAL_NANOS && lastDecodeLogNanos.compareAndSet(last, now)) {
      LOG.warn(
          "dropping undecodable attribute '{}' of session {}: {} (further failures within 10s"
              + " are logged at debug level; see the decode failure counter)",
          attribute,
          SessionIdFingerprint.of(id),
          e.toString());
    } else if (LOG.isDebugEnabled()) {
      LOG.debug(
          "dropping undecodable attribute '{}' of session {}: {}",
          attribute,
          SessionIdFingerprint.of(id),
          e.toString());
    }
  }

  // -------------------------------------------------------------------------------------- private

  private StoredSession own(Session session) {
    if (session instanceof StoredSession s) {
      return s;
    }
    throw new IllegalArgumentException(
        "session must come from a RedisSessionStore but was " + session.getClass().getName());
  }

  private @Nullable StoredSession parse(String id, Map<String, byte[]> hash, long now) {
    Map<String, byte[]> attributes = new HashMap<>(Math.max(4, hash.size() * 2));
    long created = -1;
    long accessed = -1;
    long idle = -1;
    long expires = -1;
    String principal = null;
    long total = 0;
    for (Map.Entry<String, byte[]> e : hash.entrySet()) {
      String field = e.getKey();
      byte[] value = e.getValue();
      if (field.startsWith(ATTRIBUTE_FIELD_PREFIX)) {
        attributes.put(field.substring(2), value);
        total += field.length() + value.length;
      } else {
        switch (field) {
          case "created" -> created = parseMillis(value);
          case "accessed" -> accessed = parseMillis(value);
          case "idle" -> idle = parseMillis(value);
          case "expires" -> expires = parseMillis(value);
          case "principal" -> principal = new String(value, StandardCharsets.UTF_8);
          default -> {}
        }
      }
    }
    if (created < 0 || accessed < 0 || idle <= 0 || expires < 0) {
      LOG.warn(
          "session {} has unreadable metadata; treated as absent", SessionIdFingerprint.of(id));
      return null;
    }
    if (now >= accessed + idle || now >= expires) {
      statistics.recordExpired();
      return null;
    }
    return new StoredSession(
        this, id, false, created, now, idle, expires, principal, attributes, total);
  }

  private static final byte[] IDLE = "idle".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PRINCIPAL = "principal".getBytes(StandardCharsets.US_ASCII);

  private static long parseMillis(byte[] value) {
    if (value.length == 0 || value.length > 18) {
      return -1;
    }
    long result = 0;
    for (byte b : value) {
      if (b < '0' || b > '9') {
        return -1;
      }
      result = result * 10 + (b - '0');
    }
    return result;
  }

  private static byte[] millisArg(long millis) {
    return Long.toString(millis).getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] attributeField(String name) {
    return (ATTRIBUTE_FIELD_PREFIX + name).getBytes(StandardCharsets.UTF_8);
  }

  private List<RedisFuture<?>> principalIndexUpdates(StoredSession s) {
    if (!s.principalChanged()) {
      return List.of();
    }
    List<RedisFuture<?>> updates = new ArrayList<>(3);
    byte[] member = s.getId().getBytes(StandardCharsets.US_ASCII);
    String old = s.savedPrincipal();
    if (old != null) {
      updates.add(commands.zrem(principalKey(old), member));
    }
    String current = s.getPrincipal();
    if (current != null) {
      String key = principalKey(current);
      updates.add(commands.zadd(key, (double) s.absoluteExpiryMillis(), member));
      updates.add(commands.pexpire(key, maxLifetimeMillis));
    }
    return updates;
  }

  private void evictBeyondCap(String principal, String keepId) {
    List<String> sessions = findByPrincipal(principal);
    int excess = sessions.size() - maxSessionsPerPrincipal;
    for (int i = 0; i < sessions.size() && excess > 0; i++) {
      String id = sessions.get(i);
      if (id.equals(keepId)) {
        continue;
      }
      RedisFuture<Long> delete = commands.unlink(sessionKey(id));
      RedisFuture<Long> unindex =
          commands.zrem(principalKey(principal), id.getBytes(StandardCharsets.US_ASCII));
      await(delete, "evict session over the per-principal cap");
      await(unindex, "evict session over the per-principal cap");
      statistics.recordEvicted();
      excess--;
    }
  }

  /**
   * Slides the idle expiry of a session just read, without waiting for the reply: the command goes
   * out on the shared connection ahead of anything this store sends next, so the caller's load
   * stays one round trip. A failure only means this access did not slide the expiry.
   */
  private void touch(String key, long now, long ttlMillis) {
    String[] keys = {key};
    byte[][] args = {millisArg(now), millisArg(ttlMillis)};
    commands
        .<Long>evalsha(SessionScript.TOUCH.sha1(), ScriptOutputType.INTEGER, keys, args)
        .whenComplete(
            (result, error) -> {
              if (error instanceof RedisNoScriptException) {
                commands
                    .<Long>eval(SessionScript.TOUCH.body(), ScriptOutputType.INTEGER, keys, args)
                    .whenComplete((r, e) -> reportTouchFailure(e));
              } else {
                reportTouchFailure(error);
              }
            });
  }

  private void reportTouchFailure(@Nullable Throwable error) {
    if (error != null) {
      statistics.recordFailure();
      LOG.debug("refreshing a session's idle expiry failed: {}", error.toString());
    }
  }

  private <T> RedisFuture<T> evalsha(
      SessionScript script, ScriptOutputType type, String[] keys, byte[]... args) {
    return commands.evalsha(script.sha1(), type, keys, args);
  }

  private <T> T runScript(
      SessionScript script, ScriptOutputType type, String[] keys, byte[]... args) {
    RedisFuture<T> future = evalsha(script, type, keys, args);
    return awaitScript(future, script, type, keys, args);
  }

  private <T> T awaitScript(
      RedisFuture<T> future,
      SessionScript script,
      ScriptOutputType type,
      String[] keys,
      byte[]... args) {
    try {
      return await(future, script.name());
    } catch (SessionStoreUnavailableException e) {
      if (!(e.getCause() instanceof RedisNoScriptException)) {
        throw e;
      }
      RedisFuture<T> eval = commands.eval(script.body(), type, keys, args);
      return await(eval, script.name());
    }
  }

  private void awaitAll(List<RedisFuture<?>> futures, String what) {
    for (RedisFuture<?> f : futures) {
      await(f, what);
    }
  }

  private <T> T await(RedisFuture<T> future, String what) {
    try {
      return future.get(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      statistics.recordFailure();
      throw new SessionStoreUnavailableException(
          "session store " + what + " timed out after " + commandTimeout, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (!(cause instanceof RedisNoScriptException)) {
        statistics.recordFailure();
      }
      throw new SessionStoreUnavailableException(
          "session store " + what + " failed: " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new SessionStoreUnavailableException("interrupted during session store " + what, e);
    }
  }

  /**
   * Builds a {@link RedisSessionStore}. Not thread-safe; {@link #build()} validates every option
   * and connects.
   */
  public static final class Builder {

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
     * @param maxLifetime a positive duration, at least the idle timeout
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
     * @param commandTimeout a positive duration
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
      if (client != null) {
        var c = client.connect(CODEC);
        c.setTimeout(commandTimeout);
        return new RedisSessionStore(this, c, c.async(), false, null);
      }
      if (clusterClient != null) {
        var c = clusterClient.connect(CODEC);
        c.setTimeout(commandTimeout);
        return new RedisSessionStore(this, c, c.async(), true, null);
      }
      if (uri != null) {
        RedisClient owned = RedisClient.create(RedisURI.create(uri));
        owned.setOptions(
            ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .build());
        try {
          var c = owned.connect(CODEC);
          c.setTimeout(commandTimeout);
          return new RedisSessionStore(
              this,
              c,
              c.async(),
              false,
              () -> owned.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
        } catch (RuntimeException e) {
          owned.shutdown(Duration.ZERO, Duration.ofSeconds(2));
          throw e;
        }
      }
      List<RedisURI> uris = new ArrayList<>();
      for (String seed : Objects.requireNonNull(seedUris)) {
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
                  ClusterTopologyRefreshOptions.builder()
                      .enableAllAdaptiveRefreshTriggers()
                      .build())
              .build());
      try {
        var c = owned.connect(CODEC);
        c.setTimeout(commandTimeout);
        return new RedisSessionStore(
            this, c, c.async(), true, () -> owned.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
      } catch (RuntimeException e) {
        owned.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        throw e;
      }
    }

    private static void requirePositive(String field, @Nullable Duration value) {
      if (value == null || value.isZero() || value.isNegative()) {
        throw new IllegalArgumentException(field + " must be positive but was " + value);
      }
    }
  }
}
