package dev.strata.cache.redis.metrics;

import dev.strata.cache.metrics.CacheMetrics;
import dev.strata.cache.redis.RedisCache;
import dev.strata.cache.redis.RedisCacheStats;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Binds the meters of one {@link RedisCache} to a Micrometer registry: the meters every Strata
 * cache has (through cache-api's {@link CacheMetrics}) and those of Redis. Every meter is tagged
 * {@code cache=<name>} plus the extra tags given here, and reads the cache's counters when the
 * registry asks: nothing is done on the cache's hot path.
 *
 * <ul>
 *   <li>{@code strata.cache.gets} (counter, {@code result=hit|miss}): lookups; a negative entry is
 *       a hit;
 *   <li>{@code strata.cache.loads} (counter, {@code result=success|failure}): loader calls;
 *   <li>{@code strata.cache.load.duration} (function timer): count and total time of loads;
 *   <li>{@code strata.cache.evictions} (counter): always 0, Redis expires entries by itself;
 *   <li>{@code strata.cache.redis.degraded} (counter, {@code operation=read|write|invalidate}):
 *       calls that degraded because Redis was down, slow or the circuit open (reads answered as
 *       misses, writes skipped, invalidations failed);
 *   <li>{@code strata.cache.redis.corrupt} (counter): entries that could not be decoded and were
 *       deleted;
 *   <li>{@code strata.cache.redis.circuit.state} (gauge): 0 closed, 1 open, 2 half-open, 3 any
 *       other state (disabled, forced open, metrics only).
 * </ul>
 *
 * <p>Invalidation events sent and received are counted by the invalidation bus, not here.
 *
 * <p>Immutable and thread-safe. The meters hold the cache weakly: a closed and collected cache
 * stops reporting.
 */
public final class RedisCacheMetrics implements MeterBinder {

  private final RedisCache<?, ?> cache;
  private final Tags extraTags;
  private final Tags tags;

  /**
   * Creates a binder for one cache.
   *
   * @param cache the cache; not null
   * @param extraTags tags added to every meter besides {@code cache=<name>}; not null
   * @throws NullPointerException if an argument is null
   */
  public RedisCacheMetrics(RedisCache<?, ?> cache, Iterable<Tag> extraTags) {
    this.cache = Objects.requireNonNull(cache, "cache must not be null");
    this.extraTags = Tags.of(Objects.requireNonNull(extraTags, "extraTags must not be null"));
    this.tags = this.extraTags.and("cache", cache.name());
  }

  /**
   * Creates a binder for one cache with no extra tags.
   *
   * @param cache the cache; not null
   * @throws NullPointerException if {@code cache} is null
   */
  public RedisCacheMetrics(RedisCache<?, ?> cache) {
    this(cache, Tags.empty());
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    new CacheMetrics(cache, extraTags).bindTo(registry);
    String degraded = "calls degraded because Redis was down, slow or the circuit open";
    counter(
        registry,
        "strata.cache.redis.degraded",
        "operation",
        "read",
        c -> c.redisStats().degradedReads(),
        degraded);
    counter(
        registry,
        "strata.cache.redis.degraded",
        "operation",
        "write",
        c -> c.redisStats().skippedWrites(),
        degraded);
    counter(
        registry,
        "strata.cache.redis.degraded",
        "operation",
        "invalidate",
        c -> c.redisStats().failedInvalidations(),
        degraded);
    String leases =
        "fill leases: granted, waited for another node's fill, waits that ran out, holders' leases"
            + " that expired under a waiter";
    counter(
        registry,
        "strata.cache.redis.leases",
        "result",
        "granted",
        c -> c.leaseStats().granted(),
        leases);
    counter(
        registry,
        "strata.cache.redis.leases",
        "result",
        "waited",
        c -> c.leaseStats().waited(),
        leases);
    counter(
        registry,
        "strata.cache.redis.leases",
        "result",
        "wait_timed_out",
        c -> c.leaseStats().waitsTimedOut(),
        leases);
    counter(
        registry,
        "strata.cache.redis.leases",
        "result",
        "expired",
        c -> c.leaseStats().expired(),
        leases);
    String fills = "fills after a load: landed under their lease, or rejected as stale";
    counter(
        registry,
        "strata.cache.redis.fills",
        "result",
        "landed",
        c -> c.leaseStats().fillsLanded(),
        fills);
    counter(
        registry,
        "strata.cache.redis.fills",
        "result",
        "rejected_stale",
        c -> c.leaseStats().fillsRejectedAsStale(),
        fills);
    FunctionCounter.builder(
            "strata.cache.redis.early.refreshes", cache, c -> c.leaseStats().earlyRefreshes())
        .tags(tags)
        .description("entries refreshed before they expired (probabilistic early refresh)")
        .register(registry);
    FunctionCounter.builder("strata.cache.redis.corrupt", cache, c -> corrupt(c.redisStats()))
        .tags(tags)
        .description("entries that could not be decoded and were deleted")
        .register(registry);
    Gauge.builder("strata.cache.redis.circuit.state", cache, c -> state(c.circuitBreaker()))
        .tags(tags)
        .description("circuit breaker state: 0 closed, 1 open, 2 half-open, 3 other")
        .register(registry);
  }

  private void counter(
      MeterRegistry registry,
      String name,
      String tagKey,
      String tagValue,
      ToDoubleFunction<RedisCache<?, ?>> count,
      String description) {
    FunctionCounter.builder(name, cache, count)
        .tags(tags)
        .tag(tagKey, tagValue)
        .description(description)
        .register(registry);
  }

  private static double corrupt(RedisCacheStats stats) {
    return stats.corruptValues();
  }

  private static double state(CircuitBreaker breaker) {
    switch (breaker.getState()) {
      case CLOSED:
        return 0;
      case OPEN:
        return 1;
      case HALF_OPEN:
        return 2;
      default:
        return 3;
    }
  }
}
