package dev.strata.cache.redis;

import dev.strata.cache.AsyncCache;
import dev.strata.cache.Cache;
import dev.strata.cache.CacheLoadException;
import dev.strata.cache.CacheLoader;
import dev.strata.cache.CacheStats;
import dev.strata.cache.KeyCodec;
import dev.strata.cache.TtlPolicy;
import dev.strata.cache.redis.internal.GuardedRedisCommands;
import dev.strata.cache.redis.internal.LeasedFill;
import dev.strata.cache.redis.internal.RedisConnectionResource;
import dev.strata.cache.redis.internal.RedisKeyLayout;
import dev.strata.cache.redis.internal.StoredValueFormat;
import dev.strata.cache.redis.internal.StoredValueReader;
import dev.strata.cache.spi.InvalidationStamps;
import dev.strata.cache.spi.SingleFlight;
import dev.strata.cache.spi.StatsCounter;
import dev.strata.redis.KeyNamespace;
import dev.strata.redis.RedisConnector;
import dev.strata.redis.RedisSettings;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Cache} in Redis, shared by every process that builds a cache of the same prefix and name
 * on the same Redis (a single server, a Sentinel-managed one, or a Redis Cluster).
 *
 * <pre>{@code
 * try (RedisCache<Long, User> users = RedisCache.builder("redis://cache.internal:6379/0")
 *     .name("users")
 *     .keyCodec(KeyCodec.longs())
 *     .valueCodec(JsonValueCodec.of(User.class))
 *     .ttl(TtlPolicy.builder().defaultTtl(Duration.ofMinutes(10)).jitter(0.1)
 *         .negativeTtl(Duration.ofSeconds(30)).build())
 *     .build()) {
 *   User user = users.get(42L, id -> userRepository.find(id));   // cache-aside in one call
 * }
 * }</pre>
 *
 * <p><b>Storage.</b> An entry is a Redis string under {@code <keyPrefix>:c:<name>:<encoded key>}
 * (the cache's own sub-space of the {@link KeyNamespace}: no other component's key and no other
 * cache's key lies in it), written with {@code SET ... PX <ttl>} (no {@code PX} for entries that do
 * not expire). No hash tag is added, so on a cluster a cache's entries spread over every slot; a
 * hash tag per cache would put a whole cache on one node. The stored bytes are a two-byte header
 * (format version and kind) and the {@link ValueCodec}'s bytes; a negative ("absent") entry is a
 * header alone, so it can never be mistaken for a value. Bytes that do not carry the header, or
 * that the codec rejects, are corrupt: they read as a miss, are counted in {@link #redisStats()},
 * logged (rate-limited) and deleted. A key of the cache's sub-space that holds another Redis type
 * (a hash, a list...) reads as a miss, counted and logged, and is left in place. The cache never
 * deletes a key outside its sub-space, not even in {@link #invalidateAll()}.
 *
 * <p><b>Connection.</b> The cache uses one thread-safe Lettuce connection for all its callers,
 * opened through a {@link RedisConnector}. Built from a client or a connector the caller owns, the
 * cache opens (and on {@link #close()} closes) its own connection and leaves the client or
 * connector alone. Built from a URI or {@link RedisSettings}, the cache owns the client and shuts
 * it down on close; the client then follows the connection policy of {@link RedisSettings}
 * (commands time out after the cache's command timeout; a single Redis rejects commands while
 * disconnected, so reads degrade at once; a bounded request queue; a cluster refreshes its topology
 * periodically and on every adaptive trigger, so slot migrations and failovers are followed).
 *
 * <p><b>When Redis is slow or down.</b> Every call goes through a Resilience4j {@link
 * CircuitBreaker} and waits at most the command timeout. Then:
 *
 * <ul>
 *   <li>reads ({@code getIfPresent}, {@code getAllPresent}, the lookups of {@code get}/{@code
 *       getAll}) are misses, so a loading caller falls back to its loader and still gets data;
 *       callers never see a Redis exception from a read;
 *   <li>fills after a load are skipped; a {@code put} or {@code putAll} whose write failed removes
 *       the old value (UNLINK) and returns normally, or, if that fails too, throws {@link
 *       InvalidationFailedException}, so nobody reads a value older than one that was acknowledged;
 *   <li>invalidations ({@code invalidate}, {@code invalidateAll}) throw {@link
 *       InvalidationFailedException} (the async forms complete exceptionally with it), because an
 *       invalidation that silently did not happen leaves stale data behind: the caller decides
 *       whether to retry. They are logged at WARN and counted.
 * </ul>
 *
 * Each degraded call is counted ({@link #redisStats()}). Recovery is automatic: Lettuce reconnects,
 * and the circuit breaker lets trial calls through after its wait in the open state.
 *
 * <p><b>Consistency across processes.</b> A miss takes a short lease in the entry's key before it
 * loads, and the load fills only while the key still holds that lease (a Lua script on the one key,
 * so valid on a cluster). A put, an invalidation (which leaves a tombstone) or a delete on any
 * process replaces the lease, so a value loaded before it never lands afterwards, and a negative
 * fill never overwrites a value. A miss that finds another caller's lease waits for its fill (at
 * most {@code 2 s}), then loads and returns its value without filling. Within a process, {@link
 * #get(Object, CacheLoader)} is single-flight, and a load in flight when this process puts or
 * invalidates the key does not fill either. See {@code docs/consistency-across-nodes.md}.
 *
 * <p>Thread-safe. Null keys, values, loaders and TTLs are rejected with a {@link
 * NullPointerException} naming the argument.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class RedisCache<K, V> implements Cache<K, V>, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RedisCache.class);

  /** A lookup that found nothing. */
  static final Object MISS = new Object();

  /** A lookup that found a negative entry. */
  private static final Object ABSENT = new Object();

  /** A bulk read's placeholder for a key whose answer has not been sorted yet. */
  private static final Object PENDING = new Object();

  /** How long a fill lease lives: a load that takes longer does not fill. */
  static final Duration LEASE_TTL = Duration.ofSeconds(10);

  /** How long a miss waits at most for another node's fill before it loads by itself. */
  static final Duration LEASE_WAIT = Duration.ofSeconds(2);

  /** How long the tombstone of an invalidation lives. */
  static final Duration TOMBSTONE_TTL = Duration.ofSeconds(60);

  private final String name;
  final RedisKeyLayout<K> layout;
  final ValueCodec<V> valueCodec;
  final TtlPolicy ttlPolicy;
  private final int maxValueBytes;
  private final CircuitBreaker circuitBreaker;
  private final RedisConnectionResource connection;
  final GuardedRedisCommands redis;
  final LeasedFill leasedFill;
  final LeasedLoads<K, V> leases = new LeasedLoads<>(this);
  final StatsCounter stats = StatsCounter.concurrent();
  final SingleFlight<K, V> singleFlight = new SingleFlight<>();
  private final RedisCacheAsyncView<K, V> asyncView = new RedisCacheAsyncView<>(this);

  /** Tells a fill whether its key was put or invalidated since its load started. */
  final InvalidationStamps stamps = new InvalidationStamps();

  /**
   * Orders fills after loads against puts and invalidations of this process: a fill checks the
   * stamps of its keys and sends its fill scripts under the read lock; a put or invalidation moves
   * the stamps of its keys under the write lock before sending its command, so a fill that started
   * before it is either sent first (and overwritten) or not sent at all. Only the fills of the keys
   * written (and of keys sharing their stripe) are dropped. Across processes the fill lease ({@link
   * LeasedFill}) does the same.
   */
  final ReentrantReadWriteLock fillLock = new ReentrantReadWriteLock();

  private RedisCache(Builder<K, V> builder, RedisConnectionResource connection) {
    this.name = builder.name;
    this.layout = new RedisKeyLayout<>(builder.keys, builder.name, builder.keyCodec);
    this.valueCodec = builder.valueCodec;
    this.ttlPolicy = builder.ttlPolicy;
    this.maxValueBytes = builder.maxValueBytes;
    this.circuitBreaker =
        CircuitBreaker.of("strata.cache.redis." + builder.name, builder.circuitBreakerConfig);
    this.connection = connection;
    this.redis =
        new GuardedRedisCommands(
            connection.commands(),
            connection.connector(),
            circuitBreaker,
            builder.commandTimeout,
            builder.name);
    this.leasedFill =
        new LeasedFill(
            connection.commands(),
            circuitBreaker,
            builder.commandTimeout,
            LEASE_TTL,
            TOMBSTONE_TTL,
            builder.name);
  }

  // ------------------------------------------------------------------------------ factories

  /**
   * Returns a builder of a cache on a standalone (or Sentinel-managed) Redis client that the caller
   * owns. The client must have a default {@link RedisURI} ({@code RedisClient.create(uri)}); the
   * cache opens its own connection on it and closes only that connection.
   *
   * @param client the client; not null
   * @return a builder of a cache of {@code String} keys and values (change them with {@link
   *     Builder#keyCodec} and {@link Builder#valueCodec})
   * @throws NullPointerException if {@code client} is null
   */
  public static Builder<String, String> builder(RedisClient client) {
    Objects.requireNonNull(client, "client must not be null");
    return new Builder<>(
        timeout -> RedisConnectionResource.open(RedisConnector.of(client), true, timeout));
  }

  /**
   * Returns a builder of a cache on a Redis Cluster client that the caller owns. Enable topology
   * refresh on the client ({@link ClusterTopologyRefreshOptions}, periodic and adaptive); a warning
   * is logged when neither is on.
   *
   * @param client the client; not null
   * @return a builder of a cache of {@code String} keys and values
   * @throws NullPointerException if {@code client} is null
   */
  public static Builder<String, String> builder(RedisClusterClient client) {
    Objects.requireNonNull(client, "client must not be null");
    return new Builder<>(
        timeout -> RedisConnectionResource.open(RedisConnector.of(client), true, timeout));
  }

  /**
   * Returns a builder of a cache on a connector that the caller owns and may share with other
   * components; the cache opens its own connection on it and closes only that connection.
   *
   * @param connector the connector; not null
   * @return a builder of a cache of {@code String} keys and values
   * @throws NullPointerException if {@code connector} is null
   */
  public static Builder<String, String> builder(RedisConnector connector) {
    Objects.requireNonNull(connector, "connector must not be null");
    return new Builder<>(timeout -> RedisConnectionResource.open(connector, false, timeout));
  }

  /**
   * Returns a builder of a cache that owns a client made from {@code settings}; the cache's {@link
   * Builder#commandTimeout command timeout} applies to its connection.
   *
   * @param settings the connection settings; not null
   * @return a builder of a cache of {@code String} keys and values
   * @throws NullPointerException if {@code settings} is null
   */
  public static Builder<String, String> builder(RedisSettings settings) {
    Objects.requireNonNull(settings, "settings must not be null");
    return new Builder<>(
        timeout -> RedisConnectionResource.open(RedisConnector.create(settings), true, timeout));
  }

  /**
   * Returns a builder of a cache that owns its Redis client, made from a URI as Lettuce parses it:
   * {@code redis://[user:password@]host[:port][/database]}, {@code rediss://...} for TLS, or {@code
   * redis-sentinel://[password@]host[:port][,host2[:port2]][/database]#masterName} for Sentinel.
   * The client follows the defaults of {@link RedisSettings}, with the cache's command timeout.
   *
   * @param uri the URI; not null
   * @return a builder of a cache of {@code String} keys and values
   * @throws NullPointerException if {@code uri} is null
   * @throws IllegalArgumentException if {@code uri} is not a valid Redis URI (the message never
   *     shows its password)
   */
  public static Builder<String, String> builder(String uri) {
    RedisSettings.Builder settings = RedisSettings.builder(uri);
    return new Builder<>(
        timeout ->
            RedisConnectionResource.open(
                RedisConnector.create(settings.commandTimeout(timeout).build()), true, timeout));
  }

  /**
   * Returns a builder of a cache that owns a Redis Cluster client, made from the URIs of one or
   * more cluster nodes (the rest are discovered). The client follows the defaults of {@link
   * RedisSettings}: it refreshes its topology every 15 seconds and on every adaptive trigger (at
   * most once a second).
   *
   * @param seedUris node URIs such as {@code redis://10.0.0.1:7000}; not null or empty
   * @return a builder of a cache of {@code String} keys and values
   * @throws NullPointerException if {@code seedUris} or an element is null
   * @throws IllegalArgumentException if there are none, or one is not a valid Redis URI
   */
  public static Builder<String, String> clusterBuilder(List<String> seedUris) {
    RedisSettings.Builder settings = RedisSettings.clusterBuilder(seedUris);
    return new Builder<>(
        timeout ->
            RedisConnectionResource.open(
                RedisConnector.create(settings.commandTimeout(timeout).build()), true, timeout));
  }

  // ------------------------------------------------------------------------------ reads

  @Override
  public String name() {
    return name;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Redis down, slow, or an entry that cannot be decoded: {@code null} (a counted miss).
   */
  @Override
  public @Nullable V getIfPresent(K key) {
    byte[] redisKey = layout.redisKey(requireKey(key));
    Object found = decode(redisKey, redis.get(redisKey));
    return countAndUnwrap(found);
  }

  /**
   * {@inheritDoc}
   *
   * <p>When Redis cannot be read the loader is called (single-flight still applies) and its value
   * is returned; the fill is then skipped. A loaded value that cannot be encoded or is larger than
   * the maximum is returned but not cached (logged and counted as a skipped write).
   */
  @Override
  public @Nullable V get(K key, CacheLoader<? super K, ? extends V> loader) {
    requireKey(key);
    Objects.requireNonNull(loader, "loader must not be null");
    byte[] redisKey = layout.redisKey(key);
    Object found = decode(redisKey, redis.get(redisKey));
    if (found != MISS) {
      return countAndUnwrap(found);
    }
    stats.recordMisses(1);
    return singleFlight.load(key, k -> loadAndFill(k, redisKey, loader));
  }

  private @Nullable V loadAndFill(
      K key, byte[] redisKey, CacheLoader<? super K, ? extends V> loader) throws Exception {
    long stamp = stamps.stamp(key);
    LeasedFill.Acquired lease = leasedFill.acquireOrWait(redisKey, LEASE_WAIT);
    Object found = leases.foundWhileLeasing(redisKey, lease);
    if (found != MISS) {
      return unwrap(found);
    }
    long start = System.nanoTime();
    V value;
    try {
      value = loader.load(key);
    } catch (Throwable t) {
      stats.recordLoadFailure(System.nanoTime() - start);
      leasedFill.release(redisKey, lease).join();
      throw t;
    }
    stats.recordLoadSuccess(System.nanoTime() - start);
    leases
        .fill(
            List.of(key),
            List.of(redisKey),
            Collections.singletonList(value),
            List.of(lease),
            new long[] {stamp})
        .join();
    return value;
  }

  /**
   * {@inheritDoc}
   *
   * <p>One MGET (on a cluster, Lettuce sends one per slot and reassembles). Redis down or slow: an
   * empty map.
   */
  @Override
  public Map<K, V> getAllPresent(Iterable<? extends K> keys) {
    Map<K, V> result = newResult(keys);
    List<K> distinct = distinctKeys(keys, result);
    if (distinct.isEmpty()) {
      return result;
    }
    byte[][] redisKeys = redisKeys(distinct);
    collect(distinct, redisKeys, redis.mget(redisKeys, valueCodec), result, null);
    return result;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Bulk loads are not single-flight. When Redis cannot be read every key is loaded.
   */
  @Override
  public Map<K, V> getAll(Iterable<? extends K> keys, CacheLoader<? super K, ? extends V> loader) {
    Map<K, V> result = newResult(keys);
    List<K> distinct = distinctKeys(keys, result);
    Objects.requireNonNull(loader, "loader must not be null");
    if (distinct.isEmpty()) {
      return result;
    }
    byte[][] redisKeys = redisKeys(distinct);
    Map<K, byte[]> missing = new LinkedHashMap<>();
    collect(distinct, redisKeys, redis.mget(redisKeys, valueCodec), result, missing);
    if (missing.isEmpty()) {
      return result;
    }
    long[] loadStamps = stampsOf(missing.keySet());
    Map<K, LeasedFill.Acquired> held =
        leases.sortLeases(
            missing, leasedFill.acquireAll(new ArrayList<>(missing.values())).join(), result);
    if (missing.isEmpty()) {
      return result;
    }
    loadStamps = missing.size() == loadStamps.length ? loadStamps : stampsOf(missing.keySet());
    long start = System.nanoTime();
    Map<?, ? extends V> loaded;
    try {
      loaded =
          Objects.requireNonNull(
              loader.loadAll(Collections.unmodifiableSet(missing.keySet())),
              "the loader returned a null map");
    } catch (RuntimeException | Error e) {
      stats.recordLoadFailure(System.nanoTime() - start);
      leases.releaseAll(missing, held).join();
      throw e;
    } catch (Exception e) {
      stats.recordLoadFailure(System.nanoTime() - start);
      leases.releaseAll(missing, held).join();
      throw new CacheLoadException("cache '" + name + "': bulk load failed: " + e, e);
    }
    stats.recordLoadSuccess(System.nanoTime() - start);
    leases.fill(missing, loaded, result, held, loadStamps).join();
    return result;
  }

  // ------------------------------------------------------------------------------ writes

  /**
   * {@inheritDoc}
   *
   * <p>Redis down or slow: the write is counted as skipped and the old value is removed; this
   * returns normally.
   *
   * @throws IllegalArgumentException if the codec cannot encode {@code value}, or its stored form
   *     is larger than the configured maximum; nothing is written
   * @throws InvalidationFailedException if neither the write nor the removal of the old value
   *     reached Redis
   */
  @Override
  public void put(K key, V value) {
    await(putAsync(key, value, null));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Redis down or slow: as {@link #put(Object, Object)}.
   *
   * @throws IllegalArgumentException also if the codec cannot encode {@code value}, or its stored
   *     form is larger than the configured maximum; nothing is written
   * @throws InvalidationFailedException if neither the write nor the removal of the old value
   *     reached Redis
   */
  @Override
  public void put(K key, V value, Duration ttl) {
    Objects.requireNonNull(ttl, "ttl must not be null");
    await(putAsync(key, value, ttl));
  }

  /**
   * {@inheritDoc}
   *
   * <p>The SETs are sent back to back (pipelined) and awaited together. Redis down or slow: as
   * {@link #put(Object, Object)}, for every key.
   *
   * @throws IllegalArgumentException if any value cannot be encoded or is too large; then nothing
   *     is written
   * @throws InvalidationFailedException if neither the writes nor the removal of the old values
   *     reached Redis
   */
  @Override
  public void putAll(Map<? extends K, ? extends V> entries) {
    await(putAllAsync(entries));
  }

  CompletableFuture<Void> putAsync(K key, V value, @Nullable Duration ttl) {
    requireKey(key);
    Objects.requireNonNull(value, "value must not be null");
    byte[] redisKey = layout.redisKey(key);
    byte[] stored = encodeOrThrow(key, value);
    Duration effective = ttl == null ? ttlPolicy.nextDefaultTtl() : ttlPolicy.applyJitter(ttl);
    invalidated(List.of(key));
    return redis
        .setAllAsync(List.of(redisKey), List.of(stored), new long[] {millis(effective)}, false)
        .thenCompose(
            ok -> ok ? CompletableFuture.completedFuture(null) : redis.unlinkAsync(redisKey));
  }

  CompletableFuture<Void> putAllAsync(Map<? extends K, ? extends V> entries) {
    Objects.requireNonNull(entries, "entries must not be null");
    int size = entries.size();
    List<byte[]> redisKeys = new ArrayList<>(size);
    List<byte[]> stored = new ArrayList<>(size);
    long[] ttls = new long[size];
    int i = 0;
    for (Map.Entry<? extends K, ? extends V> entry : entries.entrySet()) {
      K key = Objects.requireNonNull(entry.getKey(), "entries must not contain a null key");
      V value = Objects.requireNonNull(entry.getValue(), () -> "value for key " + key + " is null");
      redisKeys.add(layout.redisKey(key));
      stored.add(encodeOrThrow(key, value));
      ttls[i++] = millis(ttlPolicy.nextDefaultTtl());
    }
    if (size == 0) {
      return CompletableFuture.completedFuture(null);
    }
    invalidated(entries.keySet());
    return redis
        .setAllAsync(redisKeys, stored, ttls, false)
        .thenCompose(
            ok ->
                ok
                    ? CompletableFuture.completedFuture(null)
                    : redis.unlinkAsync(redisKeys.toArray(new byte[0][])));
  }

  // ------------------------------------------------------------------------------ invalidation

  /**
   * {@inheritDoc}
   *
   * @throws InvalidationFailedException if Redis could not be reached (circuit open, down, or no
   *     answer within the command timeout); the entry may still be served until it expires
   */
  @Override
  public void invalidate(K key) {
    await(invalidateAsync(key));
  }

  /**
   * {@inheritDoc}
   *
   * <p>One UNLINK (on a cluster, one per slot).
   *
   * @throws InvalidationFailedException if Redis could not be reached
   */
  @Override
  public void invalidateAll(Iterable<? extends K> keys) {
    await(invalidateAllAsync(keys));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Walks the whole keyspace with SCAN (every master of a cluster) and UNLINKs the keys of the
   * cache's own sub-space ({@code <keyPrefix>:c:<name>:*}), and no other, in batches: the cost
   * grows with the number of keys in the Redis database, not just in this cache, so this is an
   * administrative operation, not one for a request path. Entries written while the scan runs may
   * survive it.
   *
   * @throws InvalidationFailedException if Redis could not be reached during the scan (the entries
   *     deleted so far stay deleted)
   */
  @Override
  public void invalidateAll() {
    await(invalidateEverythingAsync());
  }

  CompletableFuture<Void> invalidateAsync(K key) {
    byte[] redisKey = layout.redisKey(requireKey(key));
    invalidated(List.of(key));
    return leasedFill.tombstone(redisKey);
  }

  CompletableFuture<Void> invalidateAllAsync(Iterable<? extends K> keys) {
    List<K> distinct = distinctKeys(keys);
    if (distinct.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    byte[][] redisKeys = redisKeys(distinct);
    invalidated(distinct);
    return leasedFill.tombstone(redisKeys);
  }

  CompletableFuture<Void> invalidateEverythingAsync() {
    fillLock.writeLock().lock();
    try {
      stamps.invalidatedAll();
    } finally {
      fillLock.writeLock().unlock();
    }
    return redis.unlinkMatchingAsync(layout.scanPattern(), layout::owns);
  }

  private static void await(CompletableFuture<Void> future) {
    try {
      future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  // ------------------------------------------------------------------------------ the rest

  @Override
  public CacheStats stats() {
    return stats.snapshot();
  }

  /**
   * Returns the counts of degraded calls and corrupt entries so far.
   *
   * @return an immutable snapshot
   */
  public RedisCacheStats redisStats() {
    return new RedisCacheStats(
        redis.degradedReads(),
        redis.skippedWrites(),
        redis.failedInvalidations() + leasedFill.failedTombstones(),
        redis.corruptValues());
  }

  /**
   * Returns the counts of fill leases so far: granted, waited for, waits that ran out, fills landed
   * and fills rejected as stale.
   *
   * @return an immutable snapshot
   */
  public LeaseStats leaseStats() {
    return new LeaseStats(
        leasedFill.leasesGranted(),
        leasedFill.leasesWaited(),
        leasedFill.leaseWaitsTimedOut(),
        leasedFill.fillsLanded(),
        leasedFill.fillsRejected());
  }

  /** Returns the leased fills, for their counters. */
  LeasedFill leasedFill() {
    return leasedFill;
  }

  /**
   * Returns the circuit breaker that guards this cache's Redis calls, to read its state or metrics
   * or to listen to its events. Changing its state by hand (for example forcing it open) is allowed
   * and takes effect at once.
   *
   * @return the breaker
   */
  public CircuitBreaker circuitBreaker() {
    return circuitBreaker;
  }

  /**
   * {@inheritDoc}
   *
   * <p>The view's stages are completed on Lettuce's I/O threads (or on the JDK's timeout thread for
   * commands that timed out). The loader functions of {@code get} and {@code getAll} are called on
   * such a thread too: they must only start their load and return its stage, never block.
   */
  @Override
  public AsyncCache<K, V> async() {
    return asyncView;
  }

  /**
   * Closes the cache's connection, and shuts down its client if the cache was built from a URI.
   * Calls made after closing read as misses and skip their writes. Idempotent.
   */
  @Override
  public void close() {
    connection.close();
  }

  @Override
  public String toString() {
    return "RedisCache[" + name + ", " + layout.scanPattern() + ", " + valueCodec + "]";
  }

  // ------------------------------------------------------------------------------ internals

  @Nullable V countAndUnwrap(Object found) {
    if (found == MISS) {
      stats.recordMisses(1);
      return null;
    }
    stats.recordHits(1);
    return unwrap(found);
  }

  @SuppressWarnings("unchecked")
  static <V> @Nullable V unwrap(Object found) {
    return found == ABSENT ? null : (V) found;
  }

  /** Returns the decoded value, {@link #ABSENT} or {@link #MISS}. */
  Object decode(byte[] redisKey, byte @Nullable [] stored) {
    if (stored == null) {
      return MISS;
    }
    switch (StoredValueFormat.kindOf(stored)) {
      case VALUE:
        try {
          return Objects.requireNonNull(
              valueCodec.decode(
                  stored,
                  StoredValueFormat.HEADER_BYTES,
                  stored.length - StoredValueFormat.HEADER_BYTES),
              "the value codec decoded null");
        } catch (RuntimeException e) {
          redis.corruptValue(redisKey, stored, e.toString());
          return MISS;
        }
      case ABSENT:
        return ABSENT;
      case TOMBSTONE:
      case LEASE:
        return MISS;
      default:
        redis.corruptValue(redisKey, stored, "not a Strata cache entry (unknown header)");
        return MISS;
    }
  }

  /**
   * Sorts MGET answers (see {@link StoredValueReader#mget}): hits replace their key's placeholder
   * in {@code result}, other keys leave it, misses go into {@code missing} (when not null); counts
   * them.
   */
  void collect(
      List<K> keys,
      byte[][] redisKeys,
      @Nullable Object @Nullable [] answers,
      Map<K, V> result,
      @Nullable Map<K, byte[]> missing) {
    int hits = 0;
    for (int i = 0; i < keys.size(); i++) {
      K key = keys.get(i);
      Object found = answers == null ? MISS : found(redisKeys[i], answers[i]);
      if (found == MISS) {
        result.remove(key);
        if (missing != null) {
          missing.put(key, redisKeys[i]);
        }
        continue;
      }
      hits++;
      V value = unwrap(found);
      if (value != null) {
        result.put(key, value);
      } else {
        result.remove(key);
      }
    }
    stats.recordHits(hits);
    stats.recordMisses(keys.size() - hits);
  }

  /** Turns one answer of {@link StoredValueReader#mget} into a value, {@link #ABSENT} or a miss. */
  private Object found(byte[] redisKey, @Nullable Object answer) {
    if (answer == null) {
      return MISS;
    }
    if (answer == StoredValueReader.ABSENT) {
      return ABSENT;
    }
    if (answer instanceof StoredValueReader.Corrupt corrupt) {
      redis.corruptValue(redisKey, corrupt.stored(), corrupt.reason());
      return MISS;
    }
    return answer;
  }

  /** Moves the stamps of keys about to be put or invalidated, so no older fill of them lands. */
  private void invalidated(Iterable<? extends K> keys) {
    fillLock.writeLock().lock();
    try {
      for (K key : keys) {
        stamps.invalidated(key);
      }
    } finally {
      fillLock.writeLock().unlock();
    }
  }

  long[] stampsOf(Set<K> keys) {
    long[] result = new long[keys.size()];
    int i = 0;
    for (K key : keys) {
      result[i++] = stamps.stamp(key);
    }
    return result;
  }

  /**
   * Encodes and frames a value, checking its size.
   *
   * @param key the key, for messages; null for a loaded value
   */
  private byte[] encodeOrThrow(@Nullable K key, V value) {
    byte[] payload;
    try {
      payload = valueCodec.encode(value);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "cache '" + name + "': cannot encode " + valueOf(key) + ": " + e.getMessage(), e);
    }
    int size = payload.length + StoredValueFormat.HEADER_BYTES;
    if (size > maxValueBytes) {
      throw new IllegalArgumentException(
          "cache '"
              + name
              + "': "
              + valueOf(key)
              + " is "
              + size
              + " bytes, larger than maxValueBytes "
              + maxValueBytes);
    }
    return StoredValueFormat.frameValue(payload);
  }

  private static String valueOf(@Nullable Object key) {
    return key == null ? "a loaded value" : "the value for key " + key;
  }

  byte @Nullable [] encodeForFill(V value) {
    try {
      return encodeOrThrow(null, value);
    } catch (IllegalArgumentException e) {
      redis.countSkippedWrites(1);
      LOG.warn("Redis cache '{}': a loaded value is not cached: {}", name, e.getMessage());
      return null;
    }
  }

  static long millis(@Nullable Duration ttl) {
    return ttl == null ? 0 : Math.max(1, ttl.toMillis());
  }

  static <K> K requireKey(@Nullable K key) {
    return Objects.requireNonNull(key, "key must not be null");
  }

  List<K> distinctKeys(Iterable<? extends K> keys) {
    Objects.requireNonNull(keys, "keys must not be null");
    Set<K> distinct = new LinkedHashSet<>();
    for (K key : keys) {
      distinct.add(Objects.requireNonNull(key, "keys must not contain null"));
    }
    return new ArrayList<>(distinct);
  }

  /** A result map of a bulk read, sized once for the keys when they are a collection. */
  Map<K, V> newResult(Iterable<? extends K> keys) {
    Objects.requireNonNull(keys, "keys must not be null");
    return new HashMap<>(capacity(keys instanceof Collection<?> c ? c.size() : 16));
  }

  /**
   * The distinct keys, in order. Each key gets a placeholder in {@code result} (which detects the
   * duplicates without a set of its own); {@link #collect} replaces or removes every placeholder.
   */
  @SuppressWarnings("unchecked")
  List<K> distinctKeys(Iterable<? extends K> keys, Map<K, V> result) {
    List<K> distinct =
        keys instanceof Collection<?> c ? new ArrayList<>(c.size()) : new ArrayList<>();
    for (K key : keys) {
      if (result.put(Objects.requireNonNull(key, "keys must not contain null"), (V) PENDING)
          == null) {
        distinct.add(key);
      }
    }
    return distinct;
  }

  byte[][] redisKeys(List<K> keys) {
    byte[][] redisKeys = new byte[keys.size()][];
    for (int i = 0; i < redisKeys.length; i++) {
      redisKeys[i] = layout.redisKey(keys.get(i));
    }
    return redisKeys;
  }

  static int capacity(int size) {
    return Math.max(4, (int) (size / 0.75f) + 1);
  }

  // ------------------------------------------------------------------------------ builder

  /** Opens the connection of a cache being built, given the command timeout. */
  @FunctionalInterface
  private interface Connector {
    RedisConnectionResource open(Duration commandTimeout);
  }

  /**
   * Builds a {@link RedisCache}. Not thread-safe; every setting is validated in {@link #build()}.
   *
   * <p>Defaults: key prefix {@code "strata"}, {@code String} keys ({@link KeyCodec#string()}) and
   * values ({@link ValueCodec#utf8()}), {@link TtlPolicy#eternal()}, values up to 1 MiB, a 500 ms
   * command timeout, and a circuit breaker that opens when half of the last 20 calls (at least 10)
   * failed and tries again after 5 seconds.
   *
   * @param <K> the key type
   * @param <V> the value type
   */
  public static final class Builder<K, V> {

    private static final int MAX_REDIS_VALUE_BYTES = 512 * 1024 * 1024;

    private final Connector connector;
    private @Nullable String name;
    private String keyPrefix = KeyNamespace.DEFAULT_KEY_PREFIX;
    private KeyNamespace keys = KeyNamespace.defaults();
    private KeyCodec<K> keyCodec;
    private ValueCodec<V> valueCodec;
    private TtlPolicy ttlPolicy = TtlPolicy.eternal();
    private int maxValueBytes = 1024 * 1024;
    private Duration commandTimeout = Duration.ofMillis(500);
    private CircuitBreakerConfig circuitBreakerConfig =
        CircuitBreakerConfig.custom()
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(20)
            .minimumNumberOfCalls(10)
            .failureRateThreshold(50)
            .waitDurationInOpenState(Duration.ofSeconds(5))
            .permittedNumberOfCallsInHalfOpenState(3)
            .build();

    @SuppressWarnings("unchecked")
    private Builder(Connector connector) {
      this.connector = connector;
      this.keyCodec = (KeyCodec<K>) KeyCodec.string();
      this.valueCodec = (ValueCodec<V>) ValueCodec.utf8();
    }

    /**
     * Sets the cache's name: part of every key, and of metric tags and log messages. Required.
     *
     * @param name 1 to 100 of {@code A-Z a-z 0-9 . _ -}; no {@code :} (it separates the parts of a
     *     key) and no braces (they would form a cluster hash tag). Any valid name is safe: a
     *     cache's keys lie in its own sub-space, which no other component's key shares
     * @return this builder
     */
    public Builder<K, V> name(String name) {
      this.name = name;
      return this;
    }

    /**
     * Sets the first part of every key, shared by the Redis components of an application ({@link
     * KeyNamespace}).
     *
     * @param keyPrefix 1 to 100 of {@code A-Z a-z 0-9 . _ : -}; default {@code "strata"}
     * @return this builder
     */
    public Builder<K, V> keyPrefix(String keyPrefix) {
      this.keyPrefix = keyPrefix;
      return this;
    }

    /**
     * Sets the first part of every key.
     *
     * @param prefix as for {@link #keyPrefix(String)}
     * @return this builder
     * @deprecated use {@link #keyPrefix(String)}, the name every Strata component uses
     */
    @Deprecated
    public Builder<K, V> prefix(String prefix) {
      return keyPrefix(prefix);
    }

    /**
     * Sets how keys become the last part of their Redis key.
     *
     * @param keyCodec the codec; default {@link KeyCodec#string()}
     * @param <K2> the new key type
     * @return this builder, typed for the new key type
     */
    @SuppressWarnings("unchecked")
    public <K2> Builder<K2, V> keyCodec(KeyCodec<K2> keyCodec) {
      Builder<K2, V> self = (Builder<K2, V>) this;
      self.keyCodec = keyCodec;
      return self;
    }

    /**
     * Sets how values become bytes.
     *
     * @param valueCodec the codec, e.g. {@link JsonValueCodec#of(Class)}; default {@link
     *     ValueCodec#utf8()}
     * @param <V2> the new value type
     * @return this builder, typed for the new value type
     */
    @SuppressWarnings("unchecked")
    public <V2> Builder<K, V2> valueCodec(ValueCodec<V2> valueCodec) {
      Builder<K, V2> self = (Builder<K, V2>) this;
      self.valueCodec = valueCodec;
      return self;
    }

    /**
     * Sets how long entries live (default TTL, jitter, negative TTL).
     *
     * @param ttlPolicy the policy; default {@link TtlPolicy#eternal()}
     * @return this builder
     */
    public Builder<K, V> ttl(TtlPolicy ttlPolicy) {
      this.ttlPolicy = ttlPolicy;
      return this;
    }

    /**
     * Sets the largest stored value (codec bytes plus a two-byte header). A put of a larger value
     * fails with {@link IllegalArgumentException}; a larger loaded value is returned but not
     * cached.
     *
     * @param maxValueBytes 1 to 512 MiB; default 1 MiB
     * @return this builder
     */
    public Builder<K, V> maxValueBytes(int maxValueBytes) {
      this.maxValueBytes = maxValueBytes;
      return this;
    }

    /**
     * Sets how long a Redis command may take before the call degrades (a read misses, a write is
     * skipped, an invalidation fails). Keep it short: it is added to the latency of every call
     * while Redis hangs and the circuit is still closed.
     *
     * @param commandTimeout a positive duration; default 500 ms
     * @return this builder
     */
    public Builder<K, V> commandTimeout(Duration commandTimeout) {
      this.commandTimeout = commandTimeout;
      return this;
    }

    /**
     * Sets the configuration of the cache's circuit breaker. Failures are Redis errors and
     * timeouts; an open breaker makes calls degrade at once, without touching Redis.
     *
     * @param circuitBreakerConfig the configuration
     * @return this builder
     */
    public Builder<K, V> circuitBreaker(CircuitBreakerConfig circuitBreakerConfig) {
      this.circuitBreakerConfig = circuitBreakerConfig;
      return this;
    }

    /**
     * Validates the settings, connects and builds the cache.
     *
     * @return the cache, which the caller must {@link RedisCache#close() close}
     * @throws IllegalArgumentException naming the setting that is invalid, and its value
     * @throws NullPointerException if a setting was set to null
     * @throws io.lettuce.core.RedisConnectionException if Redis cannot be reached now
     */
    public RedisCache<K, V> build() {
      if (name == null) {
        throw new IllegalArgumentException("name must be set");
      }
      KeyNamespace.requireName(name, "name");
      keys = KeyNamespace.of(keyPrefix);
      Objects.requireNonNull(keyCodec, "keyCodec must not be null");
      Objects.requireNonNull(valueCodec, "valueCodec must not be null");
      Objects.requireNonNull(ttlPolicy, "ttl must not be null");
      Objects.requireNonNull(circuitBreakerConfig, "circuitBreaker must not be null");
      Objects.requireNonNull(commandTimeout, "commandTimeout must not be null");
      if (commandTimeout.isZero() || commandTimeout.isNegative()) {
        throw new IllegalArgumentException(
            "commandTimeout must be positive but was " + commandTimeout);
      }
      if (maxValueBytes <= StoredValueFormat.HEADER_BYTES
          || maxValueBytes > MAX_REDIS_VALUE_BYTES) {
        throw new IllegalArgumentException(
            "maxValueBytes must be in [3, " + MAX_REDIS_VALUE_BYTES + "] but was " + maxValueBytes);
      }
      return new RedisCache<>(this, connector.open(commandTimeout));
    }
  }
}
