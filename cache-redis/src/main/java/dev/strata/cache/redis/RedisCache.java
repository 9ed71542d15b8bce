package dev.strata.cache.redis;

import dev.strata.cache.AsyncCache;
import dev.strata.cache.Cache;
import dev.strata.cache.CacheLoader;
import dev.strata.cache.CacheStats;
import dev.strata.cache.TtlPolicy;
import dev.strata.cache.redis.internal.GuardedRedisCommands;
import dev.strata.cache.redis.internal.LeaseWaits;
import dev.strata.cache.redis.internal.LeaseWakeUps;
import dev.strata.cache.redis.internal.LeasedFill;
import dev.strata.cache.redis.internal.RedisConnectionResource;
import dev.strata.cache.redis.internal.RedisKeyLayout;
import dev.strata.cache.redis.internal.RefreshLeases;
import dev.strata.cache.redis.internal.StoredEntries;
import dev.strata.cache.spi.InvalidationStamps;
import dev.strata.cache.spi.SingleFlight;
import dev.strata.cache.spi.StatsCounter;
import dev.strata.redis.KeyNamespace;
import dev.strata.redis.RedisConnector;
import dev.strata.redis.RedisSettings;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;

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
 * fill never overwrites a value. A miss that finds another caller's lease waits for its fill, woken
 * when the fill lands (pub/sub on the cache's lease channel, with a bounded backoff as a fallback;
 * {@code get}, {@code getAll} and their asynchronous forms alike, the latter without blocking a
 * thread), at most {@link Builder#leaseMaxWait the maximum wait}, then loads and returns its value
 * without filling. Within a process, {@link #get(Object, CacheLoader)} is single-flight; a load in
 * flight when this process puts or invalidates the key does not fill, and a lookup after the write
 * starts a new load instead of joining it (read-your-writes in the process). A {@link
 * Builder#loadTimeout load timeout} frees the callers of a load that hangs. Optionally ({@link
 * Builder#earlyRefresh}), entries read by {@code get(key, loader)} (blocking or asynchronous) are
 * refreshed shortly before they expire by one caller of all processes (XFetch). See {@code
 * docs/consistency-across-nodes.md}.
 *
 * <p>Thread-safe. Null keys, values, loaders and TTLs are rejected with a {@link
 * NullPointerException} naming the argument.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class RedisCache<K, V> implements Cache<K, V>, AutoCloseable {

  /** How long a fill lease lives by default: a load that takes longer does not fill. */
  static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(10);

  /** How long a miss waits at most, by default, for another node's fill before it loads itself. */
  static final Duration DEFAULT_LEASE_MAX_WAIT = Duration.ofSeconds(2);

  /** How long the tombstone of an invalidation lives by default. */
  static final Duration DEFAULT_TOMBSTONE_TTL = Duration.ofSeconds(60);

  private final String name;
  final RedisKeyLayout<K> layout;
  final StoredEntries<V> entries;
  final TtlPolicy ttlPolicy;
  private final CircuitBreaker circuitBreaker;
  private final RedisConnectionResource connection;
  final GuardedRedisCommands redis;
  final LeasedFill leasedFill;
  private final LeaseWakeUps wakeUps;
  final LeaseWaits leaseWaits;
  final Duration leaseMaxWait;

  /** Early refresh (XFetch), or null when it is off. */
  final @Nullable EarlyRefresh<K, V> earlyRefresh;

  final LeasedLoads<K, V> leases = new LeasedLoads<>(this);
  final RedisCacheBulkReads<K, V> bulk = new RedisCacheBulkReads<>(this);
  final RedisCacheWrites<K, V> writes = new RedisCacheWrites<>(this);
  final StatsCounter stats = StatsCounter.concurrent();
  final SingleFlight<K, V> singleFlight;
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

  RedisCache(AbstractRedisCacheBuilder<K, V> builder, RedisConnectionResource connection) {
    this.name = builder.name();
    this.singleFlight = new SingleFlight<>(name, builder.loadTimeout);
    this.layout = new RedisKeyLayout<>(builder.keys, name, builder.keyCodec);
    this.ttlPolicy = builder.ttlPolicy;
    this.circuitBreaker =
        CircuitBreaker.of("strata.cache.redis." + name, builder.circuitBreakerConfig);
    this.connection = connection;
    this.redis =
        new GuardedRedisCommands(
            connection.commands(),
            connection.connector(),
            circuitBreaker,
            builder.commandTimeout,
            name);
    this.entries = new StoredEntries<>(name, builder.valueCodec, builder.maxValueBytes, redis);
    String leaseChannel = builder.keys.leaseChannel(name);
    this.leasedFill =
        new LeasedFill(
            connection.commands(),
            circuitBreaker,
            builder.commandTimeout,
            builder.leaseDuration,
            builder.tombstoneTtl,
            leaseChannel,
            name);
    this.leaseMaxWait = builder.leaseMaxWait;
    this.wakeUps =
        leaseMaxWait.isZero()
            ? LeaseWakeUps.none()
            : LeaseWakeUps.subscribe(connection.connector(), leaseChannel, name);
    this.leaseWaits = new LeaseWaits(leasedFill, wakeUps);
    this.earlyRefresh =
        builder.earlyRefreshBeta > 0
            ? new EarlyRefresh<>(
                this,
                builder.earlyRefreshBeta,
                new RefreshLeases(connection.commands(), leasedFill))
            : null;
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
    Object found = entries.decode(redisKey, redis.get(redisKey));
    return countAndUnwrap(found);
  }

  /**
   * {@inheritDoc}
   *
   * <p>When Redis cannot be read the loader is called (single-flight still applies) and its value
   * is returned; the fill is then skipped. A loaded value that cannot be encoded or is larger than
   * the maximum is returned but not cached (logged and counted as a skipped write).
   *
   * @throws IllegalStateException if the loader asks this cache for {@code key} from the thread
   *     that loads it (a recursive load)
   * @throws dev.strata.cache.CacheLoadException also when the load in flight that this caller
   *     joined ran past the {@link Builder#loadTimeout load timeout}, or the wait was interrupted
   */
  @Override
  public @Nullable V get(K key, CacheLoader<? super K, ? extends V> loader) {
    requireKey(key);
    Objects.requireNonNull(loader, "loader must not be null");
    byte[] redisKey = layout.redisKey(key);
    byte[] stored = redis.get(redisKey);
    Object found = entries.decode(redisKey, stored);
    if (found != StoredEntries.MISS) {
      EarlyRefresh<K, V> early = earlyRefresh;
      if (early != null && stored != null && early.due(stored)) {
        return early.refresh(key, redisKey, stored, found, loader);
      }
      return countAndUnwrap(found);
    }
    stats.recordMisses(1);
    return leases.loadOnce(key, redisKey, loader);
  }

  /**
   * {@inheritDoc}
   *
   * <p>One MGET (on a cluster, Lettuce sends one per slot and reassembles). Redis down or slow: an
   * empty map.
   */
  @Override
  public Map<K, V> getAllPresent(Iterable<? extends K> keys) {
    return bulk.getAllPresent(keys);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Bulk loads are not single-flight. When Redis cannot be read every key is loaded.
   */
  @Override
  public Map<K, V> getAll(Iterable<? extends K> keys, CacheLoader<? super K, ? extends V> loader) {
    return bulk.getAll(keys, loader);
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
    RedisCacheWrites.await(writes.putAsync(key, value, null));
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
    RedisCacheWrites.await(writes.putAsync(key, value, ttl));
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
    RedisCacheWrites.await(writes.putAllAsync(entries));
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
    RedisCacheWrites.await(writes.invalidateAsync(key));
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
    RedisCacheWrites.await(writes.invalidateAllAsync(keys));
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
    RedisCacheWrites.await(writes.invalidateEverythingAsync());
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
   * Returns the counts of fill leases so far: granted, waited for, waits that ran out, leases that
   * expired under a waiter, fills landed, fills rejected as stale, and early refreshes.
   *
   * @return an immutable snapshot
   */
  public LeaseStats leaseStats() {
    return new LeaseStats(
        leasedFill.leasesGranted(),
        leaseWaits.waited(),
        leaseWaits.timedOut(),
        leaseWaits.expired(),
        leasedFill.fillsLanded(),
        leasedFill.fillsRejected(),
        earlyRefresh == null ? 0 : earlyRefresh.refreshes());
  }

  /** Tells whether the end of a lease is announced to this cache's waiters now (for tests). */
  boolean wakeUpsActive() {
    return wakeUps.active();
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
   * such a thread too: they must only start their load and return its stage, never block. A loader
   * function of {@code get} that asks the view for its own key, from within the call that starts
   * its load, gets a stage failed with an {@link IllegalStateException} ("recursive load") when the
   * key misses, instead of one that waits for its own load.
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
    try {
      wakeUps.close();
    } finally {
      connection.close();
    }
  }

  @Override
  public String toString() {
    return "RedisCache[" + name + ", " + layout.scanPattern() + ", " + entries + "]";
  }

  // ------------------------------------------------------------------------------ internals

  /** Detaches this process's load of {@code key} in flight (a tiered cache applying an event). */
  void detach(K key) {
    singleFlight.detach(key);
  }

  /** Detaches every load of this process in flight. */
  void detachAll() {
    singleFlight.detachAll();
  }

  @Nullable V countAndUnwrap(Object found) {
    if (found == StoredEntries.MISS) {
      stats.recordMisses(1);
      return null;
    }
    stats.recordHits(1);
    return StoredEntries.unwrap(found);
  }

  static long millis(@Nullable Duration ttl) {
    return ttl == null ? 0 : Math.max(1, ttl.toMillis());
  }

  static <K> K requireKey(@Nullable K key) {
    return Objects.requireNonNull(key, "key must not be null");
  }

  /**
   * Builds a {@link RedisCache}. Not thread-safe; every setting is validated in {@link #build()}.
   *
   * <p>Defaults: key prefix {@code "strata"}, {@code String} keys ({@link
   * dev.strata.cache.KeyCodec#string()}) and values ({@link ValueCodec#utf8()}), {@link
   * TtlPolicy#eternal()}, values up to 1 MiB, a 500 ms command timeout, and a circuit breaker that
   * opens when half of the last 20 calls (at least 10) failed and tries again after 5 seconds.
   *
   * @param <K> the key type
   * @param <V> the value type
   */
  public static final class Builder<K, V> extends AbstractRedisCacheBuilder<K, V> {

    private Builder(Connector connector) {
      super(connector);
    }
  }
}
