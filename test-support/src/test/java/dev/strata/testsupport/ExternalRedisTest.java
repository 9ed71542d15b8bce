package dev.strata.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.testsupport.internal.ExternalRedis;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class ExternalRedisTest {

  @Test
  void urlPropertyOverridesAndFaultsAbortTheTest() {
    try (RedisServer owned = RedisServer.start()) {
      String previous = System.getProperty("strata.redis.url");
      System.setProperty("strata.redis.url", owned.uri());
      try (RedisServer external = RedisServer.start()) {
        assertThat(external.isExternal()).isTrue();
        assertThat(external.port()).isEqualTo(owned.port());
        external.command("SET", "k", "v");
        assertThat(owned.command("GET", "k")).isEqualTo("v");

        assertThatThrownBy(external::kill)
            .isInstanceOf(TestAbortedException.class)
            .hasMessageContaining("external Redis");
        assertThatThrownBy(external::suspend).isInstanceOf(TestAbortedException.class);
        assertThatThrownBy(external::restart).isInstanceOf(TestAbortedException.class);

        external.close();
        assertThat(owned.command("PING")).isEqualTo("PONG");
      } finally {
        if (previous == null) {
          System.clearProperty("strata.redis.url");
        } else {
          System.setProperty("strata.redis.url", previous);
        }
      }
    }
  }

  @Test
  void parsesCredentialsAndDefaultsThePort() {
    ExternalRedis redis = ExternalRedis.parse("redis://app:s%40cret@redis.example:6380/2");
    assertThat(redis.host()).isEqualTo("redis.example");
    assertThat(redis.port()).isEqualTo(6380);
    assertThat(ExternalRedis.parse("redis://localhost").port()).isEqualTo(6379);
  }

  @Test
  void rejectsAUrlOfTheWrongShape() {
    assertThatThrownBy(() -> ExternalRedis.parse("http://localhost:6379"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("STRATA_REDIS_URL")
        .hasMessageContaining("http://localhost:6379");
  }
}
