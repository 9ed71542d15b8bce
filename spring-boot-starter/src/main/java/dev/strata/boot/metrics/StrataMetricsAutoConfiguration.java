package dev.strata.boot.metrics;

import dev.strata.boot.cache.StrataCacheAutoConfiguration;
import dev.strata.boot.cache.StrataCaches;
import dev.strata.cache.metrics.CacheMetrics;
import dev.strata.cache.redis.RedisCache;
import dev.strata.cache.redis.RedisInvalidationBus;
import dev.strata.cache.redis.metrics.RedisCacheMetrics;
import dev.strata.cache.redis.metrics.RedisInvalidationBusMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

/**
 * Registers Strata's meter binders as beans, which Spring Boot binds to every meter registry: the
 * caches' statistics ({@code CacheMetrics}, plus {@code RedisCacheMetrics} for Redis-backed ones,
 * including caches created on first use), the invalidation bus, and (from the session
 * configuration) the session store.
 */
@AutoConfiguration(after = StrataCacheAutoConfiguration.class)
@ConditionalOnClass(MeterBinder.class)
public class StrataMetricsAutoConfiguration {

  /** Creates the configuration; Spring calls it. */
  public StrataMetricsAutoConfiguration() {}

  /** Cache meters. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBean(StrataCaches.class)
  static class CacheMeters {

    @Bean
    MeterBinder strataCacheMetrics(StrataCaches caches) {
      boolean redisPresent =
          ClassUtils.isPresent(
              "dev.strata.cache.redis.RedisCache",
              StrataMetricsAutoConfiguration.class.getClassLoader());
      return (MeterRegistry registry) ->
          caches.onCacheBuilt(
              cache -> {
                new CacheMetrics(cache).bindTo(registry);
                if (redisPresent) {
                  bindRedis(cache, registry);
                }
              });
    }

    private static void bindRedis(Object cache, MeterRegistry registry) {
      if (cache instanceof RedisCache<?, ?> redisCache) {
        new RedisCacheMetrics(redisCache).bindTo(registry);
      }
    }
  }

  /** Invalidation bus meters. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(RedisInvalidationBus.class)
  @ConditionalOnBean(RedisInvalidationBus.class)
  static class BusMeters {

    @Bean
    MeterBinder strataInvalidationBusMetrics(RedisInvalidationBus bus) {
      return new RedisInvalidationBusMetrics(bus);
    }
  }
}
