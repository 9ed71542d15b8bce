package dev.strata.boot.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.boot.StrataConfigurationException;
import dev.strata.redis.RedisConnector;
import dev.strata.redis.RedisSettings;
import dev.strata.testsupport.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class StrataRedisAutoConfigurationTest {

  private static RedisServer redis;

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(StrataRedisAutoConfiguration.class));

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @Test
  void withoutAnAddressThereIsNoClient() {
    runner.run(
        context -> {
          assertThat(context).doesNotHaveBean(RedisClient.class);
          assertThat(context).doesNotHaveBean(RedisConnector.class);
        });
  }

  @Test
  void strataPropertiesMakeAClientAndAConnectorUnderTheConnectionPolicy() {
    runner
        .withPropertyValues(
            "strata.redis.host=" + redis.host(),
            "strata.redis.port=" + redis.port(),
            "strata.redis.client-name=orders",
            "strata.redis.timeout=5s")
        .run(
            context -> {
              RedisConnectionSettings settings = context.getBean(RedisConnectionSettings.class);
              assertThat(settings.commandTimeout()).hasSeconds(5);
              assertThat(settings.settings().clientName()).isEqualTo("orders");
              try (StatefulRedisConnection<String, String> connection =
                  context.getBean(RedisClient.class).connect()) {
                assertThat(connection.sync().ping()).isEqualTo("PONG");
                assertThat(connection.sync().clientGetname()).isEqualTo("orders");
              }
              assertThat(context.getBean(RedisConnector.class).ownsClient()).isFalse();
            });
  }

  @Test
  void springDataRedisPropertiesAreTheFallback() {
    runner
        .withPropertyValues(
            "spring.data.redis.host=" + redis.host(),
            "spring.data.redis.port=" + redis.port(),
            "spring.data.redis.timeout=4s")
        .run(
            context -> {
              RedisConnectionSettings settings = context.getBean(RedisConnectionSettings.class);
              assertThat(settings.source()).isEqualTo("spring.data.redis");
              assertThat(settings.commandTimeout()).hasSeconds(4);
            });
  }

  @Test
  void aUsersClientIsWrappedNotReplaced() {
    runner
        .withUserConfiguration(UserClient.class)
        .run(
            context -> {
              assertThat(context).hasSingleBean(RedisClient.class);
              assertThat(context.getBean(RedisConnector.class).ownsClient()).isFalse();
            });
  }

  @Test
  void withoutStrataRedisOnTheClassPathNothingIsConfigured() {
    runner
        .withClassLoader(new FilteredClassLoader(RedisSettings.class))
        .withPropertyValues("strata.redis.url=" + redis.uri())
        .run(context -> assertThat(context).doesNotHaveBean(RedisClient.class));
  }

  @Test
  void badValuesFailStartupNamingPropertyAndValueButNeverThePassword() {
    runner
        .withPropertyValues("strata.redis.url=" + redis.uri(), "strata.redis.request-queue-size=0")
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .rootCause()
                    .isInstanceOf(StrataConfigurationException.class)
                    .hasMessageContaining("strata.redis.request-queue-size = '0'"));
    runner
        .withPropertyValues("strata.redis.url=http://user:s3cret@host:6379")
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .rootCause()
                    .isInstanceOf(StrataConfigurationException.class)
                    .hasMessageContaining("strata.redis.url")
                    .hasMessageNotContaining("s3cret"));
    runner
        .withPropertyValues("strata.redis.host=h", "strata.redis.timeout=0s")
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .rootCause()
                    .hasMessageContaining("strata.redis.timeout = 'PT0S'"));
  }

  @Test
  void lettuceSixIsRefusedWithTheFixInTheMessage() {
    LettuceVersionCheck old = new LettuceVersionCheck("6.8.1.RELEASE");
    assertThat(old.supported()).isFalse();
    assertThatThrownBy(() -> old.verify(true))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("6.8.1.RELEASE")
        .hasMessageContaining("<lettuce.version>7.7.0.RELEASE</lettuce.version>");
    old.verify(false); // only warns
    assertThat(new LettuceVersionCheck("7.7.0.RELEASE").supported()).isTrue();
    assertThat(LettuceVersionCheck.ofClassPath().supported()).isTrue();
  }

  @Configuration(proxyBeanMethods = false)
  static class UserClient {
    @Bean(destroyMethod = "shutdown")
    RedisClient myClient() {
      return RedisClient.create(redis.uri());
    }
  }
}
