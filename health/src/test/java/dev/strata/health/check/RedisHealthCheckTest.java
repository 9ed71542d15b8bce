package dev.strata.health.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.strata.health.CheckResult;
import dev.strata.health.HealthStatus;
import dev.strata.testsupport.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RedisHealthCheckTest {

  private static RedisServer redis;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @AfterEach
  void wakeUp() {
    if (redis.isSuspended()) {
      redis.resume();
    }
  }

  @Test
  void pingOnAnOwnedClientIsUpWithLatencyAndDownWhileSuspended() throws Exception {
    try (RedisHealthCheck check = RedisHealthCheck.of(redis.uri(), Duration.ofSeconds(1))) {
      // The first connection of a fresh Lettuce client can take longer than the PING timeout on a
      // loaded machine; that is a DOWN result, and the check connects again on its next run.
      CheckResult up =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(check::check, result -> result.status() == HealthStatus.UP);
      assertThat((Double) up.details().get("latencyMillis")).isGreaterThan(0.0);

      redis.suspend();
      CheckResult down = check.check();
      assertThat(down.status()).isEqualTo(HealthStatus.DOWN);
      assertThat(down.error()).isEqualTo("PING timed out after 1000ms");

      redis.resume();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> check.check().status(), status -> status == HealthStatus.UP);
    }
  }

  @Test
  void pingOnTheApplicationsConnectionLeavesItOpen() throws Exception {
    RedisClient client = RedisClient.create(redis.uri());
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisHealthCheck check = RedisHealthCheck.of(connection, Duration.ofSeconds(1));
      assertThat(check.check().status()).isEqualTo(HealthStatus.UP);
      check.close();
      assertThat(connection.isOpen()).isTrue();
      assertThat(connection.sync().ping()).isEqualTo("PONG");

      RedisHealthCheck fromClient = RedisHealthCheck.of(client, Duration.ofSeconds(1));
      assertThat(fromClient.check().status()).isEqualTo(HealthStatus.UP);
      fromClient.close();
      assertThat(fromClient.check().error())
          .isEqualTo(
              "cannot connect to Redis: java.lang.IllegalStateException: Redis health check is closed");
    } finally {
      client.shutdown();
    }
  }

  @Test
  void unreachableRedisIsDown() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (RedisHealthCheck check =
        RedisHealthCheck.of("redis://127.0.0.1:" + port, Duration.ofMillis(500))) {
      CheckResult r = check.check();
      assertThat(r.status()).isEqualTo(HealthStatus.DOWN);
      assertThat(r.error()).startsWith("cannot connect to Redis: ");
    }
  }

  @Test
  void settingsAreValidated() {
    assertThatThrownBy(() -> RedisHealthCheck.of(redis.uri(), Duration.ZERO))
        .hasMessage("timeout must be positive but was PT0S");
    assertThatThrownBy(() -> RedisHealthCheck.of("not a uri", Duration.ofSeconds(1)))
        .hasMessageStartingWith("uri must be a Redis URI but was 'not a uri'");
    assertThatThrownBy(() -> RedisHealthCheck.of("redis://u:topsecret@", Duration.ofSeconds(1)))
        .hasMessageStartingWith("uri must be a Redis URI but was 'redis://u:****@'")
        .hasMessageNotContaining("topsecret");
  }

  @Test
  void aPasswordInTheUriNeverShowsInResultsOrToString() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (RedisServer locked =
        RedisServer.builder().setting("requirepass", "Right-Pw-3f7b").start()) {
      String wrong = "redis://:Wrong-Pw-5c1e@" + locked.host() + ":" + locked.port();
      String unreachable = "redis://app:Gone-Pw-9d2a@127.0.0.1:" + port;
      for (String uri : java.util.List.of(wrong, unreachable)) {
        try (RedisHealthCheck check = RedisHealthCheck.of(uri, Duration.ofSeconds(2))) {
          CheckResult r = check.check();
          assertThat(r.status()).isEqualTo(HealthStatus.DOWN);
          assertThat(r.error()).doesNotContain("Wrong-Pw-5c1e").doesNotContain("Gone-Pw-9d2a");
          assertThat(check.toString())
              .doesNotContain("Wrong-Pw-5c1e")
              .doesNotContain("Gone-Pw-9d2a");
        }
      }
      String right = "redis://:Right-Pw-3f7b@" + locked.host() + ":" + locked.port();
      try (RedisHealthCheck check = RedisHealthCheck.of(right, Duration.ofSeconds(2))) {
        CheckResult up =
            await()
                .atMost(Duration.ofSeconds(30))
                .until(check::check, result -> result.status() == HealthStatus.UP);
        assertThat(up.status()).isEqualTo(HealthStatus.UP);
        assertThat(check.toString()).doesNotContain("Right-Pw-3f7b");
      }
    }
  }
}
