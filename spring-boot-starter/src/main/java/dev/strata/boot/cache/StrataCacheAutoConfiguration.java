package dev.strata.boot.cache;

import dev.strata.boot.redis.RedisConnectionSettings;
import dev.strata.boot.redis.StrataRedisAutoConfiguration;
import dev.strata.cache.Cache;
import dev.strata.cache.local.LocalCache;
import dev.strata.cache.redis.RedisCache;
import dev.strata.cache.redis.RedisInvalidationBus;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cache.CacheManager;
import org.springframework.cache.transaction.TransactionAwareCacheDecorator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The application's Spring {@link CacheManager}, backed by Strata caches: {@code @Cacheable},
 * {@code @CachePut} and {@code @CacheEvict} then use Strata (enable them with
 * {@code @EnableCaching} as usual). Caches are tiered (local in front of Redis, with cross-instance
 * invalidation) when Redis is configured, local otherwise, unless {@code strata.cache.*.mode} says
 * otherwise. Runs before Spring Boot's own cache auto-configuration, which then backs off; an
 * application's own {@code CacheManager} bean turns this off, as does {@code
 * strata.cache.enabled=false}.
 */
@AutoConfiguration(
    after = StrataRedisAutoConfiguration.class,
    beforeName = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration")
@ConditionalOnClass({CacheManager.class, Cache.class, LocalCache.class})
@ConditionalOnBooleanProperty(name = "strata.cache.enabled", matchIfMissing = true)
@EnableConfigurationProperties(StrataCacheProperties.class)
public class StrataCacheAutoConfiguration {

  private static final Logger log = LoggerFactory.getLogger(StrataCacheAutoConfiguration.class);

  /** Creates the configuration; Spring calls it. */
  public StrataCacheAutoConfiguration() {}

  /**
   * The cache manager.
   *
   * @param properties the cache properties
   * @param redisParts the Redis pieces, when Redis is configured
   * @param beanFactory for the application's class loader
   * @return the cache manager
   */
  @Bean
  @ConditionalOnMissingBean(CacheManager.class)
  StrataCaches cacheManager(
      StrataCacheProperties properties,
      ObjectProvider<StrataCacheFactory.RedisParts> redisParts,
      ConfigurableListableBeanFactory beanFactory) {
    StrataCacheFactory factory = new StrataCacheFactory(properties, redisParts.getIfAvailable());
    Function<org.springframework.cache.Cache, org.springframework.cache.Cache> decorator =
        Function.identity();
    if (properties.isTransactionAware() && transactionAwarenessAvailable(beanFactory)) {
      decorator = TransactionAwareCacheDecorator::new;
    }
    return new StrataCaches(
        factory, properties.getCaches().keySet(), properties.isDynamic(), decorator);
  }

  /**
   * Whether Spring transactions are there to wait for (spring-tx) and the decorator that waits for
   * them (spring-context-support, a dependency of this starter that an application may have
   * excluded: then caches act at once, with a warning).
   */
  private static boolean transactionAwarenessAvailable(
      ConfigurableListableBeanFactory beanFactory) {
    ClassLoader loader = beanFactory.getBeanClassLoader();
    if (!ClassUtils.isPresent(
        "org.springframework.transaction.support.TransactionSynchronizationManager", loader)) {
      return false;
    }
    if (!ClassUtils.isPresent(
        "org.springframework.cache.transaction.TransactionAwareCacheDecorator", loader)) {
      log.warn(
          "spring-tx is present but spring-context-support is not: cache puts and evictions are"
              + " not deferred to transaction commit (strata.cache.transaction-aware has no"
              + " effect); add org.springframework:spring-context-support");
      return false;
    }
    return true;
  }

  /** The Redis pieces of Redis-backed and tiered caches, when a Redis client is there. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({RedisCache.class, RedisClient.class})
  @ConditionalOnBean(RedisClient.class)
  static class RedisCaching {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    RedisInvalidationBus strataInvalidationBus(
        RedisClient client, StrataCacheProperties properties) {
      return RedisInvalidationBus.builder(client)
          .channelPrefix(properties.getKeyPrefix() + ":invalidation:")
          .build();
    }

    @Bean
    StrataCacheFactory.RedisParts strataCacheRedisParts(
        RedisClient client,
        RedisInvalidationBus bus,
        StrataCacheProperties properties,
        ObjectProvider<RedisConnectionSettings> settings,
        ObjectProvider<JsonMapper> jsonMapper,
        BeanFactory beanFactory) {
      ObjectMapper mapper = jsonMapper.getIfAvailable(() -> JsonMapper.builder().build());
      List<String> trusted = new ArrayList<>(properties.getTrustedPackages());
      if (AutoConfigurationPackages.has(beanFactory)) {
        trusted.addAll(AutoConfigurationPackages.get(beanFactory));
      }
      TypedJsonValueCodec codec =
          new TypedJsonValueCodec(mapper, trusted, ClassUtils.getDefaultClassLoader());
      Duration timeout =
          settings.getIfAvailable() != null
              ? settings.getObject().commandTimeout()
              : Duration.ofSeconds(2);
      return new StrataCacheFactory.RedisParts(client, bus, codec, timeout);
    }
  }
}
