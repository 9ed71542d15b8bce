package dev.strata.boot.cache;

import dev.strata.boot.StrataConfigurationException;
import dev.strata.boot.cache.StrataCacheProperties.CacheSpec;
import dev.strata.cache.TtlPolicy;
import java.time.Duration;
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
 */
record CacheSettings(
    String name,
    CacheMode mode,
    TtlPolicy ttl,
    Duration negativeTtl,
    long maximumSize,
    Duration localTtl) {

  static final Duration DEFAULT_NEGATIVE_TTL_WITHOUT_TTL = Duration.ofMinutes(5);
  static final long DEFAULT_MAXIMUM_SIZE = 10_000;

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
        resolvedLocalTtl);
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
}
