package dev.strata.boot.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
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
 * strata.redis.*} (falling back to {@code spring.data.redis.*}) when a Redis address is configured
 * and the application has no {@code RedisClient} bean of its own. The client rejects commands at
 * once while disconnected and times them out after the configured timeout, so Strata's caches
 * degrade to misses instead of blocking callers. Also checks the Lettuce version at startup.
 */
@AutoConfiguration
@ConditionalOnClass(RedisClient.class)
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
   * The shared client; shut down with the application context.
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
    RedisClient client = RedisClient.create(settings.uri());
    client.setOptions(
        ClientOptions.builder()
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(settings.commandTimeout()))
            .socketOptions(
                SocketOptions.builder().connectTimeout(settings.connectTimeout()).build())
            .build());
    return client;
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
