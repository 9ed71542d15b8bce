package dev.strata.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.testsupport.internal.RespClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RedisServerTest {
  private static RedisClient client;

  @BeforeAll
  static void createClient() {
    client = RedisClient.create();
  }

  @AfterAll
  static void shutdownClient() {
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }

  private static StatefulRedisConnection<String, String> connect(RedisServer redis) {
    return client.connect(RedisURI.create(redis.uri()));
  }

  @Test
  void roundTripsAValueThroughASpawnedServer() {
    try (RedisServer redis = RedisServer.start();
        StatefulRedisConnection<String, String> connection = connect(redis)) {
      assertThat(redis.kind()).isEqualTo("process");
      assertThat(redis.host()).isEqualTo("127.0.0.1");
      assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + redis.port());

      connection.sync().set("greeting", "hello");

      assertThat(connection.sync().get("greeting")).isEqualTo("hello");
      assertThat(redis.command("GET", "greeting")).isEqualTo("hello");
    }
  }

  @Test
  void runsWithoutPersistence() {
    try (RedisServer redis = RedisServer.start()) {
      assertThat(redis.command("CONFIG", "GET", "save")).isEqualTo(List.of("save", ""));
      assertThat(redis.command("CONFIG", "GET", "appendonly"))
          .isEqualTo(List.of("appendonly", "no"));
      assertThat(redis.logFile()).hasValueSatisfying(log -> assertThat(log).exists());
    }
  }

  @Test
  void flushAllDeletesEveryKey() {
    try (RedisServer redis = RedisServer.start()) {
      redis.command("SET", "a", "1");
      redis.command("SET", "b", "2");

      redis.flushAll();

      assertThat(redis.command("DBSIZE")).isEqualTo(0L);
    }
  }

  @Test
  void restartKeepsThePortAndServesAgain() {
    try (RedisServer redis = RedisServer.start();
        StatefulRedisConnection<String, String> connection = connect(redis)) {
      int port = redis.port();
      connection.sync().set("k", "before");

      redis.restart();

      assertThat(redis.port()).isEqualTo(port);
      assertThat(redis.isRunning()).isTrue();
      // Lettuce reconnects to the same port; the data set is empty (no persistence).
      assertThat(connection.sync().get("k")).isNull();
      connection.sync().set("k", "after");
      assertThat(connection.sync().get("k")).isEqualTo("after");
    }
  }

  @Test
  void killMakesConnectionsFailUntilRestart() {
    try (RedisServer redis = RedisServer.start()) {
      redis.kill();

      assertThat(redis.isRunning()).isFalse();
      assertThatThrownBy(() -> connect(redis)).isInstanceOf(RedisConnectionException.class);
      assertThatThrownBy(() -> redis.command("PING")).isInstanceOf(UncheckedIOException.class);

      redis.restart();

      try (StatefulRedisConnection<String, String> connection = connect(redis)) {
        assertThat(connection.sync().ping()).isEqualTo("PONG");
      }
    }
  }

  @Test
  void suspendFreezesTheServerAndResumeContinuesIt() {
    try (RedisServer redis = RedisServer.start();
        StatefulRedisConnection<String, String> connection = connect(redis)) {
      connection.sync().set("k", "v");
      connection.setTimeout(Duration.ofMillis(300));

      redis.suspend();

      assertThat(redis.isSuspended()).isTrue();
      assertThat(redis.isRunning()).isTrue();
      assertThatThrownBy(() -> connection.sync().get("k"))
          .isInstanceOf(RedisCommandTimeoutException.class);

      redis.resume();

      connection.setTimeout(Duration.ofSeconds(5));
      assertThat(redis.isSuspended()).isFalse();
      assertThat(connection.sync().get("k")).isEqualTo("v");
    }
  }

  @Test
  void pauseHoldsCommandsUntilThePauseEnds() {
    try (RedisServer redis = RedisServer.start();
        StatefulRedisConnection<String, String> connection = connect(redis)) {
      connection.sync().set("k", "v");
      connection.setTimeout(Duration.ofMillis(200));

      redis.pause(Duration.ofSeconds(4));

      assertThatThrownBy(() -> connection.sync().get("k"))
          .isInstanceOf(RedisCommandTimeoutException.class);

      redis.awaitPauseEnd();

      connection.setTimeout(Duration.ofSeconds(5));
      assertThat(connection.sync().get("k")).isEqualTo("v");
    }
  }

  @Test
  void closeStopsTheProcessAndIsIdempotent() {
    RedisServer redis = RedisServer.start();
    redis.close();
    redis.close();

    assertThat(redis.isRunning()).isFalse();
    assertThatThrownBy(() -> redis.command("PING")).isInstanceOf(UncheckedIOException.class);
    assertThatThrownBy(redis::restart)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void builderSettingsReachTheServer() {
    try (RedisServer redis = RedisServer.builder().setting("maxmemory", "10mb").start()) {
      assertThat(redis.command("CONFIG", "GET", "maxmemory"))
          .isEqualTo(List.of("maxmemory", Long.toString(10L * 1024 * 1024)));
    }
  }

  @Test
  void aPasswordProtectedServerCarriesThePasswordInItsUri() {
    try (RedisServer redis = RedisServer.builder().setting("requirepass", "s3cret word").start();
        StatefulRedisConnection<String, String> connection = connect(redis)) {
      assertThat(redis.uri()).isEqualTo("redis://:s3cret%20word@127.0.0.1:" + redis.port());
      assertThat(connection.sync().ping()).isEqualTo("PONG");
      RespClient withoutPassword = new RespClient("127.0.0.1", redis.port(), null, null);
      assertThatThrownBy(() -> withoutPassword.call(Duration.ofSeconds(5), "GET", "k"))
          .isInstanceOf(RedisReplyException.class)
          .hasMessageStartingWith("NOAUTH");
      assertThat(redis.command("SET", "k", "v")).isEqualTo("OK");
    }
  }

  @Test
  void rejectsBadInput() {
    assertThatThrownBy(() -> RedisServer.builder().setting(" ", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("setting name");
    try (RedisServer redis = RedisServer.start()) {
      assertThatThrownBy(() -> redis.pause(Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("PT0S");
      assertThatThrownBy(() -> redis.command("NO-SUCH-COMMAND"))
          .isInstanceOf(RedisReplyException.class)
          .hasMessageContaining("unknown command");
    }
  }

  @Test
  void serversDoNotShareData() {
    try (RedisServer first = RedisServer.start();
        RedisServer second = RedisServer.start()) {
      first.command("SET", "k", "first");

      assertThat(second.port()).isNotEqualTo(first.port());
      assertThat(second.command("GET", "k")).isNull();
    }
  }
}
