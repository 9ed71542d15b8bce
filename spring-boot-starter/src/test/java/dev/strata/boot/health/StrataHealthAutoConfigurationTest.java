package dev.strata.boot.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.boot.cache.StrataCacheAutoConfiguration;
import dev.strata.boot.lb.StrataLoadBalancerAutoConfiguration;
import dev.strata.boot.metrics.StrataMetricsAutoConfiguration;
import dev.strata.boot.redis.StrataRedisAutoConfiguration;
import dev.strata.health.HealthCheck;
import dev.strata.testsupport.RedisServer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;

class StrataHealthAutoConfigurationTest {

  private static RedisServer redis;

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  StrataRedisAutoConfiguration.class,
                  StrataCacheAutoConfiguration.class,
                  StrataLoadBalancerAutoConfiguration.class,
                  StrataHealthAutoConfiguration.class,
                  StrataMetricsAutoConfiguration.class));

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @Test
  void withRedisTheReadinessContributorPingsIt() {
    runner
        .withPropertyValues("strata.redis.url=" + redis.uri(), "strata.redis.timeout=5s")
        .run(
            context -> {
              CompositeHealthContributor strata =
                  context.getBean("strataHealthContributor", CompositeHealthContributor.class);
              HealthIndicator redisPart = (HealthIndicator) strata.getContributor("redis");
              assertThat(redisPart.health().getStatus()).isEqualTo(Status.UP);
              context.getBean(CacheManager.class).getCache("users");
              assertThat(
                      context
                          .getBean("strataCachesHealthIndicator", HealthIndicator.class)
                          .health()
                          .getDetails())
                  .containsEntry("users", "CLOSED");
            });
  }

  @Test
  void withoutRedisThereIsNoRedisCheck() {
    runner.run(
        context -> {
          CompositeHealthContributor strata =
              context.getBean("strataHealthContributor", CompositeHealthContributor.class);
          assertThat(strata.getContributor("redis")).isNull();
        });
  }

  @Test
  void poolsReportTheirHealthyShare() {
    runner
        .withPropertyValues("strata.lb.pools.backend.endpoints=10.0.0.1:80,10.0.0.2:80")
        .run(
            context ->
                assertThat(
                        context
                            .getBean("strataPoolsHealthIndicator", HealthIndicator.class)
                            .health()
                            .getDetails())
                    .containsEntry("backend", "2/2"));
  }

  @Test
  void withoutTheHealthModuleOrSwitchedOffThereAreNoIndicators() {
    runner
        .withClassLoader(new FilteredClassLoader(HealthCheck.class))
        .run(context -> assertThat(context).doesNotHaveBean("strataHealthContributor"));
    runner
        .withPropertyValues("strata.health.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean("strataHealthContributor"));
  }

  @Test
  void cacheMetersAreBoundAlsoForCachesMadeLater() {
    runner.run(
        context -> {
          SimpleMeterRegistry registry = new SimpleMeterRegistry();
          context.getBean("strataCacheMetrics", MeterBinder.class).bindTo(registry);
          context.getBean(CacheManager.class).getCache("late").get("k");
          assertThat(registry.find("strata.cache.gets").tag("cache", "late").meters()).isNotEmpty();
        });
  }
}
