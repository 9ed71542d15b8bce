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
import dev.strata.cache.spi.SingleFlight;
import dev.strata.cache.spi.StatsCounter;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import java.time.Duration;
import java.util.ArrayList;
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
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.regex.Pattern;
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
 * <p><b>Storage.</b> An entry is a Redis string under {@code <prefix>:<name>:<encoded key>},
 * written with {@code SET ... PX <ttl>} (no {@code PX} for entries that do not expire). No hash tag
 * is added, so on a cluster a cache's entries spread over every slot; a hash tag per cache would
 * put a whole cache on one node. The stored bytes are a two-byte header (format version and kind)
 * and the {@link ValueCodec}'s bytes; a negative ("absent") entry is a header alone, so it can
 * never be mistaken for a value. Bytes that do not carry the header, or that the codec rejects, are
 * corrupt: they read as a miss, are counted in {@link #redisStats()}, logged (rate-limited) and
 * deleted.
 *
 * <p><b>Connection.</b> The cache uses one thread-safe Lettuce connection for all its callers.
 * Built from a client the caller owns, the cache opens (and on {@link #close()} closes) its own
 * connection of that client and leaves the client alone. Built from a URI, the cache owns the
 * client and shuts it down on close; the client is then set up to time out commands after the
 * command timeout; for a single Redis to reject commands while disconnected (so reads degrade at
 * once); for a cluster to refresh its topology both periodically and on every adaptive trigger
 * (MOVED, ASK, reconnects), so that slot migrations and failovers are followed.
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
 * fill never overwrites a value. A miss that finds another caller's lease loads and returns its
 * value without filling. {@link #get(Object, CacheLoader)} is single-flight per process. See {@code
 * docs/consistency-across-nodes.md}.
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
  private static final Object MISS = new Object();

  /** A lookup that found a negative entry. */
  private static final Object ABSENT = new Object();

  /** How long a fill lease lives: a load that takes longer does not fill. */
  static final Duration LEASE_TTL = Duration.ofSeconds(10);

  /** How long a miss waits at most for another node's fill before it loads by itself. */
  static final Duration LEASE_WAIT = Duration.ofSeconds(2);

  /** How long the tombstone of an invalidation lives. */
  static final Duration TOMBSTONE_TTL = Duration.ofSeconds(60);

  private final String name;
  private final RedisKeyLayout<K> layout;
  private final ValueCodec<V> valueCodec;
  private final TtlPolicy ttlPolicy;
  private final int maxValueBytes;
  private final CircuitBreaker circuitBreaker;
  private final RedisConnectionResource connection;
  private final GuardedRedisCommands redis;
  private final LeasedFill leasedFill;
  private final StatsCounter stats = StatsCounter.concurrent();
  private final SingleFlight<K, V> singleFlight = new SingleFlight<>();
  private final AsyncView asyncView = new AsyncView();

  /**
   * Orders fills after loads against puts and invalidations: a fill checks the write epoch and
   * sends its SET under the read lock; a put or invalidation bumps the epoch under the write lock
   * before sending its command, so a fill that started before it is either sent first (and
   * overwritten) or not sent at all.
   */
  private final ReentrantReadWriteLock epochLock = new ReentrantReadWriteLock();

  private long writeEpoch;

  private RedisCache(Builder<K, V> builder, RedisConnectionResource connection) {
    this.name = builder.name;
    this.layout = new RedisKeyLayout<>(builder.prefix, builder.name, builder.keyCodec);
    this.valueCodec = builder.valueCodec;
    this.ttlPolicy = builder.ttlPolicy;
    this.maxValueBytes = builder.maxValueBytes;
    this.circuitBreaker =
        CircuitBreaker.of("strata.cache.redis." + builder.name, builder.circuitBreakerConfig);
    this.connection = connection;
    this.redis =
        new GuardedRedisCommands(
            connection.commands(), circuitBreaker, builder.commandTimeout, builder.name);
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
    return new Builder<>(timeout -> RedisConnectionResource.open(client, false, timeout));
  }

  /**
   * Returns a builder of a cache on a Redis Cluster client that the caller owns. Enable topology
   * refresh on the client ({@link ClusterTopologyRefreshOptions}, periodic and adaptive); the cache
   * logs a warning when neither is on.
   *
   * @param client the client; not null
   * @return a builder of a cache of {@code String} keys and values
   * @throws NullPointerException if {@code client} is null
   */
  public static Builder<String, String> builder(RedisClusterClient client) {
    Objects.requireNonNull(client, "client must not be null");
    return new Builder<>(timeout -> RedisConnectionResource.open(client, false, timeout));
  }

  /**
   * Returns a builder of a cache that owns its Redis client, made from a URI as Lettuce parses it:
   * {@code redis://[user:password@]host[:port][/database]}, {@code rediss://...} for TLS, or {@code
   * redis-sentinel://[password@]host[:port][,host2[:port2]][/database]#masterName} for Sentinel.
   *
   * @param uri the URI; not null
   * @return a builder of a cache of {@code String} keys and values
   * @throws NullPointerException if {@code uri} is null
   * @throws IllegalArgumentException if {@code uri} is not a valid Redis URI
   */
  public static Builder<String, String> builder(String uri) {
    RedisURI redisUri = parse(uri, "uri");
    return new Builder<>(
        timeout -> {
          redisUri.setTimeout(timeout);
          RedisClient client = RedisClient.create(redisUri);
          client.setOptions(
              ClientOptions.builder()
                  .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                  .timeoutOptions(TimeoutOptions.enabled(timeout))
                  .build());
          return RedisConnectionResource.open(client, true, timeout);
        });
  }

  /**
   * Returns a builder of a cache that owns a Redis Cluster client, made from the URIs of one or
   * more cluster nodes (the rest are discovered). The client refreshes its topology every 15
   * seconds and on every adaptive trigger (at most once a second).
   *
   * @param seedUris node URIs such as {@code redis://10.0.0.1:7000}; not null or empty
   * @return a builder of a cache of {@code String} keys and values
   * @throws NullPointerException if {@code seedUris} or an element is null
   * @throws IllegalArgumentException if there are none, or one is not a valid Redis URI
   */
  public static Builder<String, String> clusterBuilder(List<String> seedUris) {
    Objects.requireNonNull(seedUris, "seedUris must not be null");
    if (seedUris.isEmpty()) {
      throw new IllegalArgumentException("seedUris must not be empty");
    }
    List<RedisURI> uris = new ArrayList<>(seedUris.size());
    for (String uri : seedUris) {
      uris.add(parse(uri, "seedUris element"));
    }
    return new Builder<>(
        timeout -> {
          uris.forEach(u -> u.setTimeout(timeout));
          RedisClusterClient client = RedisClusterClient.create(uris);
          client.setOptions(
              ClusterClientOptions.builder()
                  .topologyRefreshOptions(
                      ClusterTopologyRefreshOptions.builder()
                          .enablePeriodicRefresh(Duration.ofSeconds(15))
                          .enableAllAdaptiveRefreshTriggers()
                          .adaptiveRefreshTriggersTimeout(Duration.ofSeconds(1))
                          .build())
                  // not REJECT_COMMANDS: Lettuce connects to cluster nodes lazily and would reject
                  // the first commands to every node; the command timeout bounds every wait
                  .timeoutOptions(TimeoutOptions.enabled(timeout))
                  .build());
          return RedisConnectionResource.open(client, true, timeout);
        });
  }

  private static RedisURI parse(String uri, String what) {
    Objects.requireNonNull(uri, () -> what + " must not be null");
    try {
      return RedisURI.create(uri);
    } catch (RuntimeException e) {
      // the message may echo a password: do not repeat the URI itself
      throw new IllegalArgumentException(what + " is not a valid Redis URI: " + e.getMessage(), e);
    }
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
    long epoch = currentEpoch();
    LeasedFill.Acquired lease = leasedFill.acquireOrWait(redisKey, LEASE_WAIT);
    Object found = foundWhileLeasing(redisKey, lease);
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
    fill(List.of(redisKey), Collections.singletonList(value), List.of(lease), epoch).join();
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
    List<K> distinct = distinctKeys(keys);
    Map<K, V> result = new HashMap<>(capacity(distinct.size()));
    if (distinct.isEmpty()) {
      return result;
    }
    byte[][] redisKeys = redisKeys(distinct);
    collect(distinct, redisKeys, redis.mget(redisKeys), result, null);
    return result;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Bulk loads are not single-flight. When Redis cannot be read every key is loaded.
   */
  @Override
  public Map<K, V> getAll(Iterable<? extends K> keys, CacheLoader<? super K, ? extends V> loader) {
    List<K> distinct = distinctKeys(keys);
    Objects.requireNonNull(loader, "loader must not be null");
    Map<K, V> result = new HashMap<>(capacity(distinct.size()));
    if (distinct.isEmpty()) {
      return result;
    }
    byte[][] redisKeys = redisKeys(distinct);
    Map<K, byte[]> missing = new LinkedHashMap<>();
    collect(distinct, redisKeys, redis.mget(redisKeys), result, missing);
    if (missing.isEmpty()) {
      return result;
    }
    long epoch = currentEpoch();
    Map<K, LeasedFill.Acquired> leases =
        sortLeases(
            missing, leasedFill.acquireAll(new ArrayList<>(missing.values())).join(), result);
    if (missing.isEmpty()) {
      return result;
    }
    long start = System.nanoTime();
    Map<?, ? extends V> loaded;
    try {
      loaded =
          Objects.requireNonNull(
              loader.loadAll(Collections.unmodifiableSet(missing.keySet())),
              "the loader returned a null map");
    } catch (RuntimeException | Error e) {
      stats.recordLoadFailure(System.nanoTime() - start);
      releaseAll(missing, leases).join();
      throw e;
    } catch (Exception e) {
      stats.recordLoadFailure(System.nanoTime() - start);
      releaseAll(missing, leases).join();
      throw new CacheLoadException("cache '" + name + "': bulk load failed: " + e, e);
    }
    stats.recordLoadSuccess(System.nanoTime() - start);
    fill(missing, loaded, result, leases, epoch).join();
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
   * @throws InvalidationFailedException if neither the write nor the removal of the old value
   *     reached Redis
   * @throws IllegalArgumentException also if the codec cannot encode {@code value}, or its stored
   *     form is larger than the configured maximum; nothing is written
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
   */
  @Override
  public void putAll(Map<? extends K, ? extends V> entries) {
    await(putAllAsync(entries));
  }

  private CompletableFuture<Void> putAsync(K key, V value, @Nullable Duration ttl) {
    requireKey(key);
    Objects.requireNonNull(value, "value must not be null");
    byte[] redisKey = layout.redisKey(key);
    byte[] stored = encodeOrThrow(key, value);
    Duration effective = ttl == null ? ttlPolicy.nextDefaultTtl() : ttlPolicy.applyJitter(ttl);
    bumpEpoch();
    return redis
        .setAllAsync(List.of(redisKey), List.of(stored), new long[] {millis(effective)})
        .thenCompose(
            ok -> ok ? CompletableFuture.completedFuture(null) : redis.unlinkAsync(redisKey));
  }

  private CompletableFuture<Void> putAllAsync(Map<? extends K, ? extends V> entries) {
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
    bumpEpoch();
    return redis
        .setAllAsync(redisKeys, stored, ttls)
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
   * <p>Walks the whole keyspace with SCAN (every master of a cluster) and UNLINKs the cache's keys
   * in batches: the cost grows with the number of keys in the Redis database, not just in this
   * cache, so this is an administrative operation, not one for a request path. Entries written
   * while the scan runs may survive it.
   *
   * @throws InvalidationFailedException if Redis could not be reached during the scan (the entries
   *     deleted so far stay deleted)
   */
  @Override
  public void invalidateAll() {
    await(invalidateEverythingAsync());
  }

  private CompletableFuture<Void> invalidateAsync(K key) {
    byte[] redisKey = layout.redisKey(requireKey(key));
    bumpEpoch();
    return leasedFill.tombstone(redisKey);
  }

  private CompletableFuture<Void> invalidateAllAsync(Iterable<? extends K> keys) {
    List<K> distinct = distinctKeys(keys);
    if (distinct.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    byte[][] redisKeys = redisKeys(distinct);
    bumpEpoch();
    return leasedFill.tombstone(redisKeys);
  }

  private CompletableFuture<Void> invalidateEverythingAsync() {
    bumpEpoch();
    return redis.unlinkMatchingAsync(layout.scanPattern());
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

  @Override
  public String toString() {
    return "RedisCache[" + name + ", " + layout.scanPattern() + ", " + valueCodec + "]";
  }

  // ------------------------------------------------------------------------------ internals

  private @Nullable V countAndUnwrap(Object found) {
    if (found == MISS) {
      stats.recordMisses(1);
      return null;
    }
    stats.recordHits(1);
    return unwrap(found);
  }

  @SuppressWarnings("unchecked")
  private static <V> @Nullable V unwrap(Object found) {
    return found == ABSENT ? null : (V) found;
  }

  /** Returns the decoded value, {@link #ABSENT} or {@link #MISS}. */
  private Object decode(byte[] redisKey, byte @Nullable [] stored) {
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
   * Sorts MGET answers: hits into {@code result}, misses into {@code missing} (when not null), and
   * counts them.
   */
  private void collect(
      List<K> keys,
      byte[][] redisKeys,
      @Nullable List<KeyValue<byte[], byte[]>> answers,
      Map<K, V> result,
      @Nullable Map<K, byte[]> missing) {
    int hits = 0;
    for (int i = 0; i < keys.size(); i++) {
      KeyValue<byte[], byte[]> answer = answers == null ? null : answers.get(i);
      Object found =
          answer == null || !answer.hasValue() ? MISS : decode(redisKeys[i], answer.getValue());
      if (found == MISS) {
        if (missing != null) {
          missing.put(keys.get(i), redisKeys[i]);
        }
        continue;
      }
      hits++;
      V value = unwrap(found);
      if (value != null) {
        result.put(keys.get(i), value);
      }
    }
    stats.recordHits(hits);
    stats.recordMisses(keys.size() - hits);
  }

  /** Fills the entries of a bulk load: found values, and negative entries for the rest. */
  private CompletableFuture<Boolean> fill(
      Map<K, byte[]> missing,
      Map<?, ? extends V> loaded,
      Map<K, V> result,
      Map<K, LeasedFill.Acquired> leases,
      long epoch) {
    List<byte[]> redisKeys = new ArrayList<>(missing.size());
    List<@Nullable V> values = new ArrayList<>(missing.size());
    List<LeasedFill.Acquired> leaseList = new ArrayList<>(missing.size());
    for (Map.Entry<K, byte[]> entry : missing.entrySet()) {
      V value = loaded.get(entry.getKey());
      if (value != null) {
        result.put(entry.getKey(), value);
      }
      redisKeys.add(entry.getValue());
      values.add(value);
      leaseList.add(leases.get(entry.getKey()));
    }
    return fill(redisKeys, values, leaseList, epoch);
  }

  /** Gives back the leases of a bulk load that failed. */
  private CompletableFuture<Void> releaseAll(
      Map<K, byte[]> missing, Map<K, LeasedFill.Acquired> leases) {
    List<CompletableFuture<?>> releases = new ArrayList<>();
    missing.forEach(
        (key, redisKey) -> {
          LeasedFill.Acquired lease = leases.get(key);
          if (lease != null) {
            releases.add(leasedFill.release(redisKey, lease));
          }
        });
    return CompletableFuture.allOf(releases.toArray(new CompletableFuture<?>[0]));
  }

  /**
   * Returns what a lease attempt found in the key instead of a lease: the decoded entry, or {@link
   * #MISS} when the lease was granted, is busy, Redis could not answer, or the entry is corrupt.
   */
  private Object foundWhileLeasing(byte[] redisKey, LeasedFill.Acquired lease) {
    byte[] stored = lease.bytes();
    return lease.outcome() == LeasedFill.Outcome.FOUND && stored != null
        ? decode(redisKey, stored)
        : MISS;
  }

  /**
   * Sorts the answers of a bulk lease attempt: entries found meanwhile move from {@code missing}
   * into {@code result}; the rest keep their lease outcome.
   */
  private Map<K, LeasedFill.Acquired> sortLeases(
      Map<K, byte[]> missing, List<LeasedFill.Acquired> answers, Map<K, V> result) {
    Map<K, LeasedFill.Acquired> leases = new HashMap<>(capacity(missing.size()));
    int i = 0;
    for (var it = missing.entrySet().iterator(); it.hasNext(); i++) {
      Map.Entry<K, byte[]> entry = it.next();
      LeasedFill.Acquired lease = answers.get(i);
      Object found = foundWhileLeasing(entry.getValue(), lease);
      if (found == MISS) {
        leases.put(entry.getKey(), lease);
        continue;
      }
      it.remove();
      V value = unwrap(found);
      if (value != null) {
        result.put(entry.getKey(), value);
      }
    }
    return leases;
  }

  /**
   * Writes loaded values (null for "absent": a negative entry when negative caching is on, nothing
   * otherwise), unless a put or invalidation happened since the load started. Never fails.
   */
  private CompletableFuture<Boolean> fill(
      List<byte[]> redisKeys,
      List<? extends @Nullable V> values,
      List<LeasedFill.Acquired> leases,
      long epoch) {
    int size = redisKeys.size();
    List<byte[]> keys = new ArrayList<>(size);
    List<byte[]> stored = new ArrayList<>(size);
    List<byte @Nullable []> fillLeases = new ArrayList<>(size);
    List<LeasedFill.Acquired> granted = new ArrayList<>(size);
    List<CompletableFuture<?>> releases = new ArrayList<>();
    long[] ttls = new long[size];
    for (int i = 0; i < size; i++) {
      LeasedFill.Acquired lease = leases.get(i);
      if (lease.outcome() != LeasedFill.Outcome.GRANTED) {
        if (lease.outcome() == LeasedFill.Outcome.UNAVAILABLE) {
          redis.countSkippedWrites(1);
        }
        continue;
      }
      V value = values.get(i);
      byte[] bytes;
      long ttl;
      if (value == null) {
        if (!ttlPolicy.cachesNegatives()) {
          releases.add(leasedFill.release(redisKeys.get(i), lease));
          continue;
        }
        bytes = StoredValueFormat.absentMarker();
        ttl = millis(ttlPolicy.nextNegativeTtl());
      } else {
        bytes = encodeForFill(value);
        if (bytes == null) {
          releases.add(leasedFill.release(redisKeys.get(i), lease));
          continue;
        }
        ttl = millis(ttlPolicy.nextDefaultTtl());
      }
      ttls[keys.size()] = ttl;
      keys.add(redisKeys.get(i));
      stored.add(bytes);
      fillLeases.add(lease.bytes());
      granted.add(lease);
    }
    if (keys.isEmpty()) {
      return CompletableFuture.allOf(releases.toArray(new CompletableFuture<?>[0]))
          .thenApply(done -> true);
    }
    epochLock.readLock().lock();
    try {
      if (epoch != writeEpoch) {
        for (int i = 0; i < keys.size(); i++) {
          releases.add(leasedFill.release(keys.get(i), granted.get(i)));
        }
        return CompletableFuture.allOf(releases.toArray(new CompletableFuture<?>[0]))
            .thenApply(done -> false);
      }
      return leasedFill.fill(keys, fillLeases, stored, ttls).thenApply(n -> n == keys.size());
    } finally {
      epochLock.readLock().unlock();
    }
  }

  private long currentEpoch() {
    epochLock.readLock().lock();
    try {
      return writeEpoch;
    } finally {
      epochLock.readLock().unlock();
    }
  }

  private void bumpEpoch() {
    epochLock.writeLock().lock();
    try {
      writeEpoch++;
    } finally {
      epochLock.writeLock().unlock();
    }
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

  private byte @Nullable [] encodeForFill(V value) {
    try {
      return encodeOrThrow(null, value);
    } catch (IllegalArgumentException e) {
      redis.countSkippedWrites(1);
      LOG.warn("Redis cache '{}': a loaded value is not cached: {}", name, e.getMessage());
      return null;
    }
  }

  private static long millis(@Nullable Duration ttl) {
    return ttl == null ? 0 : Math.max(1, ttl.toMillis());
  }

  private static <K> K requireKey(@Nullable K key) {
    return Objects.requireNonNull(key, "key must not be null");
  }

  private List<K> distinctKeys(Iterable<? extends K> keys) {
    Objects.requireNonNull(keys, "keys must not be null");
    Set<K> distinct = new LinkedHashSet<>();
    for (K key : keys) {
      distinct.add(Objects.requireNonNull(key, "keys must not contain null"));
    }
    return new ArrayList<>(distinct);
  }

  private byte[][] redisKeys(List<K> keys) {
    byte[][] redisKeys = new byte[keys.size()][];
    for (int i = 0; i < redisKeys.length; i++) {
      redisKeys[i] = layout.redisKey(keys.get(i));
    }
    return redisKeys;
  }

  private static int capacity(int size) {
    return Math.max(4, (int) (size / 0.75f) + 1);
  }

  // ------------------------------------------------------------------------------ async view

  /** The non-blocking view; shares everything with the enclosing cache. */
  private final class AsyncView implements AsyncCache<K, V> {

    @Override
    public CompletionStage<@Nullable V> getIfPresent(K key) {
      byte[] redisKey = layout.redisKey(requireKey(key));
      return redis.getAsync(redisKey).thenApply(stored -> countAndUnwrap(decode(redisKey, stored)));
    }

    @Override
    public CompletionStage<@Nullable V> get(
        K key, Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader) {
      requireKey(key);
      Objects.requireNonNull(loader, "loader must not be null");
      byte[] redisKey = layout.redisKey(key);
      return redis
          .getAsync(redisKey)
          .thenCompose(
              stored -> {
                Object found = decode(redisKey, stored);
                if (found != MISS) {
                  return CompletableFuture.completedFuture(countAndUnwrap(found));
                }
                stats.recordMisses(1);
                return singleFlight.loadAsync(key, k -> loadAndFill(k, redisKey, loader));
              });
    }

    private CompletableFuture<@Nullable V> loadAndFill(
        K key,
        byte[] redisKey,
        Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader) {
      long epoch = currentEpoch();
      return leasedFill
          .acquire(redisKey)
          .thenCompose(
              lease -> {
                Object found = foundWhileLeasing(redisKey, lease);
                if (found != MISS) {
                  return CompletableFuture.completedFuture(RedisCache.<V>unwrap(found));
                }
                return loadAndFill(key, redisKey, loader, epoch, lease);
              });
    }

    private CompletableFuture<@Nullable V> loadAndFill(
        K key,
        byte[] redisKey,
        Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader,
        long epoch,
        LeasedFill.Acquired lease) {
      long start = System.nanoTime();
      CompletionStage<? extends @Nullable V> stage;
      try {
        stage = Objects.requireNonNull(loader.apply(key), "the loader returned a null stage");
      } catch (Throwable t) {
        stats.recordLoadFailure(System.nanoTime() - start);
        leasedFill.release(redisKey, lease);
        return CompletableFuture.failedFuture(t);
      }
      CompletableFuture<@Nullable V> result = new CompletableFuture<>();
      stage.whenComplete(
          (value, error) -> {
            if (error != null) {
              stats.recordLoadFailure(System.nanoTime() - start);
              leasedFill.release(redisKey, lease);
              result.completeExceptionally(error);
              return;
            }
            stats.recordLoadSuccess(System.nanoTime() - start);
            fill(List.of(redisKey), Collections.singletonList(value), List.of(lease), epoch)
                .whenComplete((ok, ignored) -> result.complete(value));
          });
      return result;
    }

    @Override
    public CompletionStage<Map<K, V>> getAllPresent(Iterable<? extends K> keys) {
      List<K> distinct = distinctKeys(keys);
      if (distinct.isEmpty()) {
        return CompletableFuture.completedFuture(new HashMap<>());
      }
      byte[][] redisKeys = redisKeys(distinct);
      return redis
          .mgetAsync(redisKeys)
          .thenApply(
              answers -> {
                Map<K, V> result = new HashMap<>(capacity(distinct.size()));
                collect(distinct, redisKeys, answers, result, null);
                return result;
              });
    }

    @Override
    public CompletionStage<Map<K, V>> getAll(
        Iterable<? extends K> keys,
        Function<? super Set<K>, ? extends CompletionStage<? extends Map<? extends K, ? extends V>>>
            loader) {
      List<K> distinct = distinctKeys(keys);
      Objects.requireNonNull(loader, "loader must not be null");
      if (distinct.isEmpty()) {
        return CompletableFuture.completedFuture(new HashMap<>());
      }
      byte[][] redisKeys = redisKeys(distinct);
      return redis
          .mgetAsync(redisKeys)
          .thenCompose(
              answers -> {
                Map<K, V> result = new HashMap<>(capacity(distinct.size()));
                Map<K, byte[]> missing = new LinkedHashMap<>();
                collect(distinct, redisKeys, answers, result, missing);
                if (missing.isEmpty()) {
                  return CompletableFuture.completedFuture(result);
                }
                long epoch = currentEpoch();
                return leasedFill
                    .acquireAll(new ArrayList<>(missing.values()))
                    .thenCompose(
                        leaseAnswers -> {
                          Map<K, LeasedFill.Acquired> leases =
                              sortLeases(missing, leaseAnswers, result);
                          if (missing.isEmpty()) {
                            return CompletableFuture.completedFuture(result);
                          }
                          return loadAllAndFill(missing, result, loader, leases, epoch);
                        });
              });
    }

    private CompletableFuture<Map<K, V>> loadAllAndFill(
        Map<K, byte[]> missing,
        Map<K, V> result,
        Function<? super Set<K>, ? extends CompletionStage<? extends Map<? extends K, ? extends V>>>
            loader,
        Map<K, LeasedFill.Acquired> leases,
        long epoch) {
      long start = System.nanoTime();
      CompletionStage<? extends Map<? extends K, ? extends V>> stage;
      try {
        stage =
            Objects.requireNonNull(
                loader.apply(Collections.unmodifiableSet(missing.keySet())),
                "the loader returned a null stage");
      } catch (Throwable t) {
        stats.recordLoadFailure(System.nanoTime() - start);
        releaseAll(missing, leases);
        return CompletableFuture.failedFuture(t);
      }
      CompletableFuture<Map<K, V>> done = new CompletableFuture<>();
      stage.whenComplete(
          (loaded, error) -> {
            if (error == null && loaded == null) {
              error = new NullPointerException("the loader's stage completed with a null map");
            }
            if (error != null) {
              stats.recordLoadFailure(System.nanoTime() - start);
              releaseAll(missing, leases);
              done.completeExceptionally(error);
              return;
            }
            stats.recordLoadSuccess(System.nanoTime() - start);
            fill(missing, loaded, result, leases, epoch)
                .whenComplete((ok, ignored) -> done.complete(result));
          });
      return done;
    }

    @Override
    public CompletionStage<Void> put(K key, V value) {
      return putAsync(key, value, null);
    }

    @Override
    public CompletionStage<Void> put(K key, V value, Duration ttl) {
      Objects.requireNonNull(ttl, "ttl must not be null");
      return putAsync(key, value, ttl);
    }

    @Override
    public CompletionStage<Void> putAll(Map<? extends K, ? extends V> entries) {
      return putAllAsync(entries);
    }

    @Override
    public CompletionStage<Void> invalidate(K key) {
      return invalidateAsync(key);
    }

    @Override
    public CompletionStage<Void> invalidateAll(Iterable<? extends K> keys) {
      return invalidateAllAsync(keys);
    }

    @Override
    public CompletionStage<Void> invalidateAll() {
      return invalidateEverythingAsync();
    }

    @Override
    public Cache<K, V> synchronous() {
      return RedisCache.this;
    }
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
   * <p>Defaults: prefix {@code "strata"}, {@code String} keys ({@link KeyCodec#string()}) and
   * values ({@link ValueCodec#utf8()}), {@link TtlPolicy#eternal()}, values up to 1 MiB, a 500 ms
   * command timeout, and a circuit breaker that opens when half of the last 20 calls (at least 10)
   * failed and tries again after 5 seconds.
   *
   * @param <K> the key type
   * @param <V> the value type
   */
  public static final class Builder<K, V> {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final int MAX_REDIS_VALUE_BYTES = 512 * 1024 * 1024;

    private final Connector connector;
    private @Nullable String name;
    private String prefix = "strata";
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
     *     key) and no braces (they would form a cluster hash tag)
     * @return this builder
     */
    public Builder<K, V> name(String name) {
      this.name = name;
      return this;
    }

    /**
     * Sets the first part of every key, shared by the caches of an application.
     *
     * @param prefix 1 to 100 of {@code A-Z a-z 0-9 . _ -}; default {@code "strata"}
     * @return this builder
     */
    public Builder<K, V> prefix(String prefix) {
      this.prefix = prefix;
      return this;
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
      requireName(name, "name");
      requireName(Objects.requireNonNull(prefix, "prefix must not be null"), "prefix");
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

    private static void requireName(String value, String field) {
      if (!NAME.matcher(value).matches()) {
        throw new IllegalArgumentException(
            field
                + " must be 1 to 100 of A-Z a-z 0-9 . _ - (no ':', braces, wildcards or spaces)"
                + " but was '"
                + value
                + "'");
      }
    }
  }
}
