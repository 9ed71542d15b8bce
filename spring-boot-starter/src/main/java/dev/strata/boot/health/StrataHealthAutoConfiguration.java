package dev.strata.boot.health;

import dev.strata.boot.cache.StrataCacheAutoConfiguration;
import dev.strata.boot.cache.StrataCaches;
import dev.strata.boot.lb.StrataPools;
import dev.strata.boot.redis.RedisConnectionSettings;
import dev.strata.boot.redis.StrataRedisAutoConfiguration;
import dev.strata.cache.redis.RedisCache;
import dev.strata.health.HealthCheck;
import dev.strata.health.check.RedisHealthCheck;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Strata's health in Spring Boot's health endpoint: the contributor {@code strata} (Redis, the
 * session store) whose parts decide whether the instance can take traffic and which is therefore
 * put in the readiness group (see {@code StrataHealthGroupDefaults}), and {@code strataCaches} (the
 * caches' circuit breakers, DEGRADED while one is open). Off with {@code
 * strata.health.enabled=false}.
 */
@AutoConfiguration(
    after = {StrataRedisAutoConfiguration.class, StrataCacheAutoConfiguration.class},
    afterName = {
      "dev.strata.boot.session.StrataSessionAutoConfiguration",
      "dev.strata.boot.lb.StrataLoadBalancerAutoConfiguration"
    })
@ConditionalOnClass({HealthIndicator.class, HealthCheck.class})
@ConditionalOnBooleanProperty(name = "strata.health.enabled", matchIfMissing = true)
public class StrataHealthAutoConfiguration {

  /** Creates the configuration; Spring calls it. */
  public StrataHealthAutoConfiguration() {}

  /**
   * The readiness contributor {@code strata}, made of every {@link ReadinessCheck} bean.
   *
   * @param checks the readiness checks
   * @return the contributor
   */
  @Bean
  @ConditionalOnMissingBean(name = "strataHealthContributor")
  HealthContributor strataHealthContributor(ObjectProvider<ReadinessCheck> checks) {
    Map<String, HealthContributor> parts = new LinkedHashMap<>();
    checks.orderedStream().forEach(c -> parts.put(c.name(), new StrataHealthIndicator(c.check())));
    if (parts.isEmpty()) {
      parts.put(
          "ping",
          (HealthIndicator) () -> org.springframework.boot.health.contributor.Health.up().build());
    }
    return CompositeHealthContributor.fromMap(parts);
  }

  /** Redis reachability, when Strata has a Redis client. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({RedisClient.class, RedisHealthCheck.class})
  @ConditionalOnBean(RedisClient.class)
  static class RedisHealth {

    @Bean(destroyMethod = "close")
    RedisHealthCheck strataRedisHealthCheck(
        RedisClient client, ObjectProvider<RedisConnectionSettings> settings) {
      RedisConnectionSettings resolved = settings.getIfAvailable();
      Duration timeout = resolved != null ? resolved.commandTimeout() : Duration.ofSeconds(2);
      return RedisHealthCheck.of(client, timeout);
    }

    @Bean
    ReadinessCheck strataRedisReadiness(RedisHealthCheck check) {
      return new ReadinessCheck("redis", check);
    }
  }

  /** The pools' share of healthy endpoints. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(StrataPools.class)
  @ConditionalOnBean(StrataPools.class)
  static class PoolHealth {

    @Bean
    @ConditionalOnMissingBean(name = "strataPoolsHealthIndicator")
    HealthIndicator strataPoolsHealthIndicator(StrataPools pools) {
      return new StrataHealthIndicator(new PoolHealthShareCheck(pools));
    }
  }

  /** The caches' circuit breakers. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(RedisCache.class)
  @ConditionalOnBean(StrataCaches.class)
  static class CacheHealth {

    @Bean
    @ConditionalOnMissingBean(name = "strataCachesHealthIndicator")
    HealthIndicator strataCachesHealthIndicator(StrataCaches caches) {
      return new StrataHealthIndicator(new CacheCircuitBreakerCheck(caches));
    }
  }
}
