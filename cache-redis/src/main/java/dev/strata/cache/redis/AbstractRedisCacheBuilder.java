package dev.strata.cache.redis;

import dev.strata.cache.KeyCodec;
import dev.strata.cache.TtlPolicy;
import dev.strata.cache.redis.internal.RedisConnectionResource;
import dev.strata.cache.redis.internal.StoredValueFormat;
import dev.strata.redis.KeyNamespace;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The settings and validation of {@link RedisCache.Builder}, which is this class under its public
 * name (its public methods are documented as the builder's). Not thread-safe.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
abstract class AbstractRedisCacheBuilder<K, V> {

  /** Opens the connection of a cache being built, given the command timeout. */
  @FunctionalInterface
  interface Connector {
    RedisConnectionResource open(Duration commandTimeout);
  }

  private static final int MAX_REDIS_VALUE_BYTES = 512 * 1024 * 1024;
  private static final Duration MAX_LEASE_DURATION = Duration.ofHours(1);
  private static final Duration MAX_TOMBSTONE_TTL = Duration.ofDays(1);

  private final Connector connector;
  @Nullable String name;
  String keyPrefix = KeyNamespace.DEFAULT_KEY_PREFIX;
  KeyNamespace keys = KeyNamespace.defaults();
  KeyCodec<K> keyCodec;
  ValueCodec<V> valueCodec;
  TtlPolicy ttlPolicy = TtlPolicy.eternal();
  int maxValueBytes = 1024 * 1024;
  Duration commandTimeout = Duration.ofMillis(500);
  Duration leaseDuration = RedisCache.DEFAULT_LEASE_DURATION;
  Duration leaseMaxWait = RedisCache.DEFAULT_LEASE_MAX_WAIT;
  Duration tombstoneTtl = RedisCache.DEFAULT_TOMBSTONE_TTL;
  double earlyRefreshBeta;
  @Nullable Duration loadTimeout;
  CircuitBreakerConfig circuitBreakerConfig =
      CircuitBreakerConfig.custom()
          .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
          .slidingWindowSize(20)
          .minimumNumberOfCalls(10)
          .failureRateThreshold(50)
          .waitDurationInOpenState(Duration.ofSeconds(5))
          .permittedNumberOfCallsInHalfOpenState(3)
          .build();

  @SuppressWarnings("unchecked")
  AbstractRedisCacheBuilder(Connector connector) {
    this.connector = connector;
    this.keyCodec = (KeyCodec<K>) KeyCodec.string();
    this.valueCodec = (ValueCodec<V>) ValueCodec.utf8();
  }

  @SuppressWarnings("unchecked")
  private <K2, V2> RedisCache.Builder<K2, V2> self() {
    return (RedisCache.Builder<K2, V2>) this;
  }

  /**
   * Sets the cache's name: part of every key, and of metric tags and log messages. Required.
   *
   * @param name 1 to 100 of {@code A-Z a-z 0-9 . _ -}; no {@code :} (it separates the parts of a
   *     key) and no braces (they would form a cluster hash tag). Any valid name is safe: a cache's
   *     keys lie in its own sub-space, which no other component's key shares
   * @return this builder
   */
  public RedisCache.Builder<K, V> name(String name) {
    this.name = name;
    return self();
  }

  /**
   * Sets the first part of every key, shared by the Redis components of an application ({@link
   * KeyNamespace}).
   *
   * @param keyPrefix 1 to 100 of {@code A-Z a-z 0-9 . _ : -}; default {@code "strata"}
   * @return this builder
   */
  public RedisCache.Builder<K, V> keyPrefix(String keyPrefix) {
    this.keyPrefix = keyPrefix;
    return self();
  }

  /**
   * Sets the first part of every key.
   *
   * @param prefix as for {@link #keyPrefix(String)}
   * @return this builder
   * @deprecated use {@link #keyPrefix(String)}, the name every Strata component uses
   */
  @Deprecated
  public RedisCache.Builder<K, V> prefix(String prefix) {
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
  public <K2> RedisCache.Builder<K2, V> keyCodec(KeyCodec<K2> keyCodec) {
    AbstractRedisCacheBuilder<K2, V> self = (AbstractRedisCacheBuilder<K2, V>) this;
    self.keyCodec = keyCodec;
    return self();
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
  public <V2> RedisCache.Builder<K, V2> valueCodec(ValueCodec<V2> valueCodec) {
    AbstractRedisCacheBuilder<K, V2> self = (AbstractRedisCacheBuilder<K, V2>) this;
    self.valueCodec = valueCodec;
    return self();
  }

  /**
   * Sets how long entries live (default TTL, jitter, negative TTL).
   *
   * @param ttlPolicy the policy; default {@link TtlPolicy#eternal()}
   * @return this builder
   */
  public RedisCache.Builder<K, V> ttl(TtlPolicy ttlPolicy) {
    this.ttlPolicy = ttlPolicy;
    return self();
  }

  /**
   * Sets the largest stored value (codec bytes plus a two-byte header). A put of a larger value
   * fails with {@link IllegalArgumentException}; a larger loaded value is returned but not cached.
   *
   * @param maxValueBytes 1 to 512 MiB; default 1 MiB
   * @return this builder
   */
  public RedisCache.Builder<K, V> maxValueBytes(int maxValueBytes) {
    this.maxValueBytes = maxValueBytes;
    return self();
  }

  /**
   * Sets how long a Redis command may take before the call degrades (a read misses, a write is
   * skipped, an invalidation fails). Keep it short: it is added to the latency of every call while
   * Redis hangs and the circuit is still closed.
   *
   * @param commandTimeout a positive duration; default 500 ms
   * @return this builder
   */
  public RedisCache.Builder<K, V> commandTimeout(Duration commandTimeout) {
    this.commandTimeout = commandTimeout;
    return self();
  }

  /**
   * Sets the configuration of the cache's circuit breaker. Failures are Redis errors and timeouts;
   * an open breaker makes calls degrade at once, without touching Redis.
   *
   * @param circuitBreakerConfig the configuration
   * @return this builder
   */
  public RedisCache.Builder<K, V> circuitBreaker(CircuitBreakerConfig circuitBreakerConfig) {
    this.circuitBreakerConfig = circuitBreakerConfig;
    return self();
  }

  /**
   * Sets how long a fill lease lives. A miss takes a lease on its key before it loads; the load's
   * fill lands only while the lease is alive, so a load that takes longer is returned but not
   * cached, and the lease of a caller that died stops other callers' waits for it after this long.
   * Choose it longer than the slowest load.
   *
   * @param leaseDuration 1 ms to 1 hour; default 10 s
   * @return this builder
   */
  public RedisCache.Builder<K, V> leaseDuration(Duration leaseDuration) {
    this.leaseDuration = leaseDuration;
    return self();
  }

  /**
   * Sets how long a miss waits at most for another caller's fill (of any process) when that caller
   * holds the key's lease. A waiter is woken as soon as the holder's fill lands; when this wait
   * runs out it loads by itself and does not fill. Zero: never wait (every miss that finds a lease
   * loads by itself without filling).
   *
   * @param leaseMaxWait zero to {@link #leaseDuration(Duration) the lease duration}; default 2 s
   * @return this builder
   */
  public RedisCache.Builder<K, V> leaseMaxWait(Duration leaseMaxWait) {
    this.leaseMaxWait = leaseMaxWait;
    return self();
  }

  /**
   * Sets how long the tombstone that an invalidation leaves in its key lives. The tombstone reads
   * as a miss and carries the key's generation, which only grows while it lives.
   *
   * @param tombstoneTtl at least {@link #leaseDuration(Duration) the lease duration}, at most 1
   *     day; default 60 s
   * @return this builder
   */
  public RedisCache.Builder<K, V> tombstoneTtl(Duration tombstoneTtl) {
    this.tombstoneTtl = tombstoneTtl;
    return self();
  }

  /**
   * Turns on probabilistic early refresh (XFetch, Vattani et al., VLDB 2015) for the entries that
   * {@code get(key, loader)} loads: such an entry is stored with its load's duration and expiry,
   * and a hit of {@code get(key, loader)}, blocking or through {@link RedisCache#async()},
   * refreshes it before it expires with a probability that grows as the expiry nears ({@code now -
   * duration * beta * ln(random) >= expiry}). One caller of all processes refreshes an entry (its
   * refresh lease); the others keep being served the current value, so a hot key does not miss when
   * it expires. A blocking caller that refreshes gets the new value; an asynchronous one is served
   * the current value at once while its loader function's stage runs. {@code getIfPresent} and bulk
   * reads ({@code getAll}, {@code getAllPresent}, blocking or asynchronous) never refresh. Entries
   * without a TTL are never refreshed early.
   *
   * <p>Entries of a cache with early refresh on use a stored kind that versions before it read as
   * corrupt (they delete them): turn it on once every process runs a version that knows it.
   *
   * @param beta 0 (off, the default) to 10; 1 is XFetch's recommended value, larger refreshes
   *     earlier
   * @return this builder
   */
  public RedisCache.Builder<K, V> earlyRefresh(double beta) {
    this.earlyRefreshBeta = beta;
    return self();
  }

  /**
   * Bounds how long callers of this process wait for a load of one key in flight ({@code get} and
   * the asynchronous {@code get}). A load that has not completed within {@code loadTimeout} of its
   * start (a hung loader, a database that never answers) is failed for every caller waiting for it,
   * with a {@link dev.strata.cache.CacheLoadException} whose cause is a {@link
   * java.util.concurrent.TimeoutException}, and forgotten; its fill lease is given back, so the
   * next lookup of the key (on any process) takes the lease and loads again instead of waiting for
   * it. The thread running a late blocking load is not interrupted and gets its own value when the
   * loader returns; that value is not cached (its lease is gone). Bulk loads are not bounded.
   *
   * @param loadTimeout a positive duration, or {@code null} for no limit (the default: callers wait
   *     as long as the load runs)
   * @return this builder
   */
  public RedisCache.Builder<K, V> loadTimeout(@Nullable Duration loadTimeout) {
    this.loadTimeout = loadTimeout;
    return self();
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
    if (maxValueBytes <= StoredValueFormat.HEADER_BYTES || maxValueBytes > MAX_REDIS_VALUE_BYTES) {
      throw new IllegalArgumentException(
          "maxValueBytes must be in [3, " + MAX_REDIS_VALUE_BYTES + "] but was " + maxValueBytes);
    }
    requireBetween("leaseDuration", leaseDuration, Duration.ofMillis(1), MAX_LEASE_DURATION);
    requireBetween("leaseMaxWait", leaseMaxWait, Duration.ZERO, leaseDuration);
    requireBetween("tombstoneTtl", tombstoneTtl, leaseDuration, MAX_TOMBSTONE_TTL);
    if (!(earlyRefreshBeta >= 0 && earlyRefreshBeta <= 10)) {
      throw new IllegalArgumentException(
          "earlyRefresh must be in [0, 10] but was " + earlyRefreshBeta);
    }
    if (loadTimeout != null && (loadTimeout.isZero() || loadTimeout.isNegative())) {
      throw new IllegalArgumentException("loadTimeout must be positive but was " + loadTimeout);
    }
    return new RedisCache<>(this, connector.open(commandTimeout));
  }

  private static void requireBetween(String field, Duration value, Duration min, Duration max) {
    Objects.requireNonNull(value, () -> field + " must not be null");
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          field + " must be in [" + min + ", " + max + "] but was " + value);
    }
  }

  /** The validated name. */
  String name() {
    return Objects.requireNonNull(name);
  }
}
