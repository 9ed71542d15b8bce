package dev.strata.boot.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.boot.StrataConfigurationException;
import dev.strata.boot.redis.StrataRedisAutoConfiguration;
import dev.strata.cache.local.LocalCache;
import dev.strata.cache.redis.RedisCache;
import dev.strata.cache.redis.RedisInvalidationBus;
import dev.strata.cache.redis.TieredCache;
import dev.strata.testsupport.RedisServer;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.cache.transaction.TransactionAwareCacheDecorator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class StrataCacheAutoConfigurationTest {

  private static RedisServer redis;

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  StrataRedisAutoConfiguration.class, StrataCacheAutoConfiguration.class));

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @Test
  void withoutRedisCachesAreLocalAndNoRedisBeansExist() {
    runner.run(
        context -> {
          assertThat(context).hasSingleBean(StrataCaches.class);
          assertThat(context).doesNotHaveBean(RedisClient.class);
          assertThat(context).doesNotHaveBean(RedisInvalidationBus.class);
          CacheManager manager = context.getBean(CacheManager.class);
          assertThat(nativeCache(manager, "users")).isInstanceOf(LocalCache.class);
        });
  }

  @Test
  void withRedisCachesAreTieredOverASharedClient() {
    runner
        .withPropertyValues("strata.redis.url=" + redis.uri())
        .run(
            context -> {
              assertThat(context).hasSingleBean(RedisClient.class);
              assertThat(context).hasSingleBean(RedisInvalidationBus.class);
              assertThat(nativeCache(context.getBean(CacheManager.class), "users"))
                  .isInstanceOf(TieredCache.class);
            });
  }

  @Test
  void springDataRedisPropertiesAreTheFallback() {
    runner
        .withPropertyValues(
            "spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port())
        .run(
            context ->
                assertThat(nativeCache(context.getBean(CacheManager.class), "users"))
                    .isInstanceOf(TieredCache.class));
  }

  @Test
  void perCacheModeIsHonoured() {
    runner
        .withPropertyValues(
            "strata.redis.url=" + redis.uri(),
            "strata.cache.caches.shared.mode=redis",
            "strata.cache.caches.mine.mode=local")
        .run(
            context -> {
              CacheManager manager = context.getBean(CacheManager.class);
              assertThat(nativeCache(manager, "shared")).isInstanceOf(RedisCache.class);
              assertThat(nativeCache(manager, "mine")).isInstanceOf(LocalCache.class);
              assertThat(manager.getCacheNames()).contains("shared", "mine");
            });
  }

  @Test
  void aUsersRedisClientIsUsed() {
    runner
        .withUserConfiguration(UserRedisClient.class)
        .run(
            context -> {
              assertThat(context).hasSingleBean(RedisClient.class);
              assertThat(context).hasBean("myClient");
              assertThat(nativeCache(context.getBean(CacheManager.class), "users"))
                  .isInstanceOf(TieredCache.class);
            });
  }

  @Test
  void withoutCacheRedisOnTheClassPathCachesStayLocal() {
    runner
        .withClassLoader(new FilteredClassLoader(RedisCache.class))
        .withPropertyValues("strata.redis.url=" + redis.uri())
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(RedisInvalidationBus.class);
              assertThat(nativeCache(context.getBean(CacheManager.class), "users"))
                  .isInstanceOf(LocalCache.class);
            });
  }

  @Test
  void withoutLettuceNothingOfRedisIsConfigured() {
    runner
        .withClassLoader(new FilteredClassLoader(RedisClient.class))
        .withPropertyValues("strata.redis.url=" + redis.uri())
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(RedisClient.class);
              assertThat(context).hasSingleBean(StrataCaches.class);
            });
  }

  @Test
  void withoutCacheLocalThereIsNoCacheManager() {
    runner
        .withClassLoader(new FilteredClassLoader(LocalCache.class))
        .run(context -> assertThat(context).doesNotHaveBean(CacheManager.class));
  }

  @Test
  void aUsersCacheManagerWins() {
    runner
        .withUserConfiguration(UserCacheManager.class)
        .run(
            context -> {
              assertThat(context).hasSingleBean(CacheManager.class);
              assertThat(context).doesNotHaveBean(StrataCaches.class);
            });
  }

  @Test
  void cachingCanBeSwitchedOff() {
    runner
        .withPropertyValues("strata.cache.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(CacheManager.class));
  }

  @Test
  void redisCanBeSwitchedOff() {
    runner
        .withPropertyValues("strata.redis.url=" + redis.uri(), "strata.redis.enabled=false")
        .run(
            context -> {
              assertThat(context).doesNotHaveBean(RedisClient.class);
              assertThat(nativeCache(context.getBean(CacheManager.class), "users"))
                  .isInstanceOf(LocalCache.class);
            });
  }

  @Test
  void cachesAreTransactionAwareByDefault() {
    runner.run(
        context ->
            assertThat(context.getBean(CacheManager.class).getCache("users"))
                .isInstanceOf(TransactionAwareCacheDecorator.class));
    runner
        .withPropertyValues("strata.cache.transaction-aware=false")
        .run(
            context ->
                assertThat(context.getBean(CacheManager.class).getCache("users"))
                    .isInstanceOf(StrataSpringCache.class));
  }

  @Test
  void withoutSpringContextSupportCachesActAtOnceInsteadOfFailingStartup() {
    runner
        .withClassLoader(new FilteredClassLoader(TransactionAwareCacheDecorator.class))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(CacheManager.class).getCache("users"))
                  .isInstanceOf(StrataSpringCache.class);
            });
  }

  @Test
  void unlistedCachesAreRefusedWhenNotDynamic() {
    runner
        .withPropertyValues("strata.cache.dynamic=false", "strata.cache.caches.users.ttl=1m")
        .run(
            context -> {
              CacheManager manager = context.getBean(CacheManager.class);
              assertThat(manager.getCache("users")).isNotNull();
              assertThat(manager.getCache("other")).isNull();
            });
  }

  @Test
  void aNegativeTtlFailsStartupNamingPropertyAndValue() {
    runner
        .withPropertyValues("strata.cache.caches.users.ttl=-5s")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .isInstanceOf(StrataConfigurationException.class)
                  .hasMessageContaining("strata.cache.caches.users.ttl")
                  .hasMessageContaining("-5S");
            });
  }

  @Test
  void redisModeWithoutRedisFailsStartupNamingTheProperty() {
    runner
        .withPropertyValues("strata.cache.defaults.mode=redis")
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .rootCause()
                    .isInstanceOf(StrataConfigurationException.class)
                    .hasMessageContaining("strata.cache.defaults.mode = 'redis'"));
  }

  @Test
  void aBadRedisUrlFailsStartupWithoutThePassword() {
    runner
        .withPropertyValues("strata.redis.url=http://user:s3cret@host:6379")
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .rootCause()
                    .satisfies(
                        e ->
                            assertThat(e.getMessage())
                                .contains("strata.redis.url")
                                .doesNotContain("s3cret")));
  }

  private static Object nativeCache(CacheManager manager, String name) {
    org.springframework.cache.Cache cache = manager.getCache(name);
    assertThat(cache).isNotNull();
    return cache.getNativeCache();
  }

  @Configuration(proxyBeanMethods = false)
  static class UserRedisClient {
    @Bean(destroyMethod = "shutdown")
    RedisClient myClient() {
      RedisClient client = RedisClient.create(redis.uri());
      return client;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class UserCacheManager {
    @Bean
    CacheManager myCacheManager() {
      return new ConcurrentMapCacheManager();
    }
  }
}
