package dev.strata.boot.redis;

import dev.strata.redis.RedisConnector;
import dev.strata.redis.RedisSettings;
import io.lettuce.core.RedisClient;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The Lettuce {@link RedisClient} that Strata's Redis-backed parts share, built from {@code
 * strata.redis.*} (falling back to {@code spring.data.redis.*}) under the connection policy of
 * {@code strata-redis} ({@link RedisSettings}) when a Redis address is configured and the
 * application has no {@code RedisClient} bean of its own, and a {@link RedisConnector} over that
 * client (or the application's). The client rejects commands at once while disconnected and times
 * them out after the configured timeout, so Strata's caches degrade to misses instead of blocking
 * callers. Also checks the Lettuce version at startup.
 */
@AutoConfiguration
@ConditionalOnClass({RedisClient.class, RedisSettings.class})
@ConditionalOnBooleanProperty(name = "strata.redis.enabled", matchIfMissing = true)
@EnableConfigurationProperties(StrataRedisProperties.class)
public class StrataRedisAutoConfiguration {

  /** Creates the configuration; Spring calls it. */
  public StrataRedisAutoConfiguration() {}

  /**
   * Checks the Lettuce version (fails startup on 6.x unless {@code
   * strata.redis.require-lettuce7=false}).
   *
   * @param properties the Redis properties
   * @return the check, already verified
   */
  @Bean
  @ConditionalOnMissingBean
  static LettuceVersionCheck strataLettuceVersionCheck(StrataRedisProperties properties) {
    LettuceVersionCheck check = LettuceVersionCheck.ofClassPath();
    check.verify(properties.isRequireLettuce7());
    return check;
  }

  /**
   * Resolves the connection settings.
   *
   * @param properties the Redis properties
   * @param environment for the {@code spring.data.redis.*} fallback
   * @return the settings
   */
  @Bean
  @ConditionalOnMissingBean
  @Conditional(RedisAddressConfigured.class)
  RedisConnectionSettings strataRedisConnectionSettings(
      StrataRedisProperties properties, Environment environment) {
    return RedisConnectionSettings.resolve(properties, environment);
  }

  /**
   * The shared client, configured as the connection settings say (command and connect timeouts,
   * bounded request queue, commands rejected while disconnected, TCP keep-alive); shut down with
   * the application context.
   *
   * @param settings the connection settings
   * @param versionCheck ensures the version is checked first
   * @return the client
   */
  @Bean(destroyMethod = "shutdown")
  @ConditionalOnMissingBean(RedisClient.class)
  @Conditional(RedisAddressConfigured.class)
  RedisClient strataRedisClient(
      RedisConnectionSettings settings, LettuceVersionCheck versionCheck) {
    return RedisConnector.createStandaloneClient(settings.settings());
  }

  /**
   * Strata's connector over the shared client (Strata's own client or the application's), for
   * components that open their connections through {@code strata-redis}. Closing it closes only the
   * connections it opened.
   *
   * @param client the client
   * @return the connector
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(RedisConnector.class)
  @ConditionalOnBean(RedisClient.class)
  RedisConnector strataRedisConnector(RedisClient client) {
    return RedisConnector.of(client);
  }

  /**
   * Matches when a Redis URL or host is set under {@code strata.redis} or {@code
   * spring.data.redis}.
   */
  static final class RedisAddressConfigured extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(
        ConditionContext context, AnnotatedTypeMetadata metadata) {
      return RedisConnectionSettings.isConfigured(context.getEnvironment())
          ? ConditionOutcome.match("a Redis address is configured")
          : ConditionOutcome.noMatch(
              "no strata.redis.url/host nor spring.data.redis.url/host is set");
    }
  }
}
