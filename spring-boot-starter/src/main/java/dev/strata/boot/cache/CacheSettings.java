package dev.strata.boot.cache;

import dev.strata.boot.StrataConfigurationException;
import dev.strata.boot.cache.StrataCacheProperties.CacheSpec;
import dev.strata.cache.TtlPolicy;
import java.time.Duration;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The validated settings of one cache: its {@code strata.cache.caches.<name>.*} values over {@code
 * strata.cache.defaults.*}. Immutable.
 *
 * @param name the cache name
 * @param mode where entries live, never {@link CacheMode#AUTO}
 * @param ttl the TTL policy (default TTL, jitter, negative TTL)
 * @param negativeTtl how long a null is cached; zero for never
 * @param maximumSize the bound of the local level, or 0 for none
 * @param localTtl how long the local tier keeps a copy of a Redis value (tiered mode)
 * @param loadTimeout how long callers wait at most for a load in flight, or null for no limit
 * @param leaseDuration how long a fill lease lives (Redis level)
 * @param leaseMaxWait how long a miss waits at most for another caller's fill (Redis level)
 * @param tombstoneTtl how long an invalidation's tombstone lives (Redis level)
 * @param earlyRefreshBeta the XFetch factor of early refresh (Redis level), 0 for off
 */
record CacheSettings(
    String name,
    CacheMode mode,
    TtlPolicy ttl,
    Duration negativeTtl,
    long maximumSize,
    Duration localTtl,
    @Nullable Duration loadTimeout,
    Duration leaseDuration,
    Duration leaseMaxWait,
    Duration tombstoneTtl,
    double earlyRefreshBeta) {

  static final Duration DEFAULT_NEGATIVE_TTL_WITHOUT_TTL = Duration.ofMinutes(5);
  static final long DEFAULT_MAXIMUM_SIZE = 10_000;
  // the defaults and ranges of RedisCache.Builder, checked here to fail startup with property names
  static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(10);
  static final Duration DEFAULT_LEASE_MAX_WAIT = Duration.ofSeconds(2);
  static final Duration DEFAULT_TOMBSTONE_TTL = Duration.ofSeconds(60);
  private static final Duration MAX_LEASE_DURATION = Duration.ofHours(1);
  private static final Duration MAX_TOMBSTONE_TTL = Duration.ofDays(1);
  private static final double MAX_EARLY_REFRESH_BETA = 10.0;

  /**
   * Resolves and validates the settings of a cache.
   *
   * @param name the cache name
   * @param properties all cache properties
   * @param redisAvailable whether a Redis client is there
   * @return the settings
   * @throws StrataConfigurationException naming the property and value that is out of range
   */
  static CacheSettings resolve(
      String name, StrataCacheProperties properties, boolean redisAvailable) {
    CacheSpec own = properties.getCaches().get(name);
    CacheSpec defaults = properties.getDefaults();
    String ownPrefix = "strata.cache.caches." + name + ".";
    String defaultsPrefix = "strata.cache.defaults.";

    Setting<CacheMode> mode =
        pick(own, defaults, CacheSpec::getMode, ownPrefix, defaultsPrefix, "mode");
    CacheMode resolvedMode = mode.value == null ? CacheMode.AUTO : mode.value;
    if (resolvedMode == CacheMode.AUTO) {
      resolvedMode = redisAvailable ? CacheMode.TIERED : CacheMode.LOCAL;
    } else if (resolvedMode != CacheMode.LOCAL && !redisAvailable) {
      throw new StrataConfigurationException(
          mode.property,
          resolvedMode.name().toLowerCase(java.util.Locale.ROOT),
          "needs Redis, but no strata.redis.url/host, spring.data.redis.url/host or RedisClient"
              + " bean is configured",
          null);
    }

    Setting<Duration> ttl =
        pick(own, defaults, CacheSpec::getTtl, ownPrefix, defaultsPrefix, "ttl");
    if (ttl.value != null && (ttl.value.isZero() || ttl.value.isNegative())) {
      throw bad(ttl, "must be a positive duration (leave it unset for no expiry)");
    }
    Setting<Double> jitter =
        pick(own, defaults, CacheSpec::getJitter, ownPrefix, defaultsPrefix, "jitter");
    if (jitter.value != null && !(jitter.value >= 0.0 && jitter.value < 1.0)) {
      throw bad(jitter, "must be a fraction from 0 (inclusive) to 1 (exclusive)");
    }
    Setting<Duration> negative =
        pick(own, defaults, CacheSpec::getNegativeTtl, ownPrefix, defaultsPrefix, "negative-ttl");
    if (negative.value != null && negative.value.isNegative()) {
      throw bad(negative, "must be zero (cache no nulls) or positive");
    }
    Duration negativeTtl;
    if (!properties.isAllowNullValues()) {
      negativeTtl = Duration.ZERO;
    } else if (negative.value != null) {
      negativeTtl = negative.value;
    } else {
      negativeTtl = ttl.value != null ? ttl.value : DEFAULT_NEGATIVE_TTL_WITHOUT_TTL;
    }
    Setting<Long> size =
        pick(own, defaults, CacheSpec::getMaximumSize, ownPrefix, defaultsPrefix, "maximum-size");
    if (size.value != null && size.value <= 0) {
      throw bad(size, "must be positive");
    }
    Setting<Duration> localTtl =
        pick(own, defaults, CacheSpec::getLocalTtl, ownPrefix, defaultsPrefix, "local-ttl");
    if (localTtl.value != null && (localTtl.value.isZero() || localTtl.value.isNegative())) {
      throw bad(localTtl, "must be a positive duration");
    }
    Setting<Duration> loadTimeout =
        pick(own, defaults, CacheSpec::getLoadTimeout, ownPrefix, defaultsPrefix, "load-timeout");
    if (loadTimeout.value != null
        && (loadTimeout.value.isZero() || loadTimeout.value.isNegative())) {
      throw bad(loadTimeout, "must be a positive duration (leave it unset for no limit)");
    }
    RedisOptions redisOptions = redisOptions(own, defaults, ownPrefix, defaultsPrefix);
    if (resolvedMode == CacheMode.LOCAL && mode.value == CacheMode.LOCAL && own != null) {
      refuseRedisOnlyOnLocal(own, ownPrefix, mode.property);
    }
    TtlPolicy policy =
        TtlPolicy.builder()
            .defaultTtl(ttl.value)
            .jitter(jitter.value == null ? 0.0 : jitter.value)
            .negativeTtl(negativeTtl)
            .build();
    Duration resolvedLocalTtl = localTtl.value != null ? localTtl.value : Duration.ofSeconds(10);
    if (ttl.value != null && resolvedLocalTtl.compareTo(ttl.value) > 0) {
      resolvedLocalTtl = ttl.value;
    }
    return new CacheSettings(
        name,
        resolvedMode,
        policy,
        negativeTtl,
        size.value == null ? DEFAULT_MAXIMUM_SIZE : size.value,
        resolvedLocalTtl,
        loadTimeout.value,
        redisOptions.leaseDuration,
        redisOptions.leaseMaxWait,
        redisOptions.tombstoneTtl,
        redisOptions.earlyRefreshBeta);
  }

  private static RedisOptions redisOptions(
      @Nullable CacheSpec own, CacheSpec defaults, String ownPrefix, String defaultsPrefix) {
    Setting<Duration> lease =
        pick(
            own,
            defaults,
            CacheSpec::getLeaseDuration,
            ownPrefix,
            defaultsPrefix,
            "lease-duration");
    if (lease.value != null
        && (lease.value.compareTo(Duration.ofMillis(1)) < 0
            || lease.value.compareTo(MAX_LEASE_DURATION) > 0)) {
      throw bad(lease, "must be from 1ms to 1h");
    }
    Duration leaseDuration = lease.value != null ? lease.value : DEFAULT_LEASE_DURATION;
    Setting<Duration> wait =
        pick(
            own, defaults, CacheSpec::getLeaseMaxWait, ownPrefix, defaultsPrefix, "lease-max-wait");
    Duration leaseMaxWait;
    if (wait.value != null) {
      if (wait.value.isNegative() || wait.value.compareTo(leaseDuration) > 0) {
        throw bad(
            wait, "must be from 0 to the lease duration (" + describe(lease, leaseDuration) + ")");
      }
      leaseMaxWait = wait.value;
    } else {
      leaseMaxWait = min(DEFAULT_LEASE_MAX_WAIT, leaseDuration);
    }
    Setting<Duration> tombstone =
        pick(own, defaults, CacheSpec::getTombstoneTtl, ownPrefix, defaultsPrefix, "tombstone-ttl");
    Duration tombstoneTtl;
    if (tombstone.value != null) {
      if (tombstone.value.compareTo(leaseDuration) < 0
          || tombstone.value.compareTo(MAX_TOMBSTONE_TTL) > 0) {
        throw bad(
            tombstone,
            "must be from the lease duration (" + describe(lease, leaseDuration) + ") to 1d");
      }
      tombstoneTtl = tombstone.value;
    } else {
      tombstoneTtl =
          DEFAULT_TOMBSTONE_TTL.compareTo(leaseDuration) < 0
              ? leaseDuration
              : DEFAULT_TOMBSTONE_TTL;
    }
    Setting<Double> beta =
        pick(
            own,
            defaults,
            CacheSpec::getEarlyRefreshBeta,
            ownPrefix,
            defaultsPrefix,
            "early-refresh-beta");
    if (beta.value != null && !(beta.value >= 0.0 && beta.value <= MAX_EARLY_REFRESH_BETA)) {
      throw bad(beta, "must be from 0 (off) to 10");
    }
    return new RedisOptions(
        leaseDuration, leaseMaxWait, tombstoneTtl, beta.value == null ? 0.0 : beta.value);
  }

  /**
   * Refuses a Redis-only property set on a cache configured as local: it would have no effect.
   * Values under defaults, and caches whose mode is auto and resolved to local, are not refused.
   */
  private static void refuseRedisOnlyOnLocal(CacheSpec own, String ownPrefix, String modeProperty) {
    List<Map.Entry<String, @Nullable Object>> redisOnly =
        List.of(
            new SimpleImmutableEntry<>("lease-duration", own.getLeaseDuration()),
            new SimpleImmutableEntry<>("lease-max-wait", own.getLeaseMaxWait()),
            new SimpleImmutableEntry<>("tombstone-ttl", own.getTombstoneTtl()),
            new SimpleImmutableEntry<>("early-refresh-beta", own.getEarlyRefreshBeta()));
    for (Map.Entry<String, @Nullable Object> option : redisOnly) {
      if (option.getValue() != null) {
        throw new StrataConfigurationException(
            ownPrefix + option.getKey(),
            String.valueOf(option.getValue()),
            "applies to redis and tiered caches only, but " + modeProperty + " is local",
            null);
      }
    }
  }

  private static String describe(Setting<Duration> lease, Duration resolved) {
    return lease.value != null ? lease.property + " = " + resolved : "default " + resolved;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static StrataConfigurationException bad(Setting<?> setting, String reason) {
    return new StrataConfigurationException(
        setting.property, String.valueOf(setting.value), reason, null);
  }

  private static <T> Setting<T> pick(
      @Nullable CacheSpec own,
      CacheSpec defaults,
      Function<CacheSpec, @Nullable T> getter,
      String ownPrefix,
      String defaultsPrefix,
      String property) {
    if (own != null) {
      T value = getter.apply(own);
      if (value != null) {
        return new Setting<>(value, ownPrefix + property);
      }
    }
    return new Setting<>(getter.apply(defaults), defaultsPrefix + property);
  }

  private record Setting<T>(@Nullable T value, String property) {}

  private record RedisOptions(
      Duration leaseDuration,
      Duration leaseMaxWait,
      Duration tombstoneTtl,
      double earlyRefreshBeta) {}
}
