package dev.strata.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisServerExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisServerExtensionTest {
  private static int firstPort;
  private final RedisServer constructorServer;
  private RedisServer beforeEachServer;

  RedisServerExtensionTest(RedisServer redis) {
    this.constructorServer = redis;
  }

  @BeforeEach
  void captureServer(RedisServer redis) {
    beforeEachServer = redis;
  }

  @Test
  @Order(1)
  void injectsOneServerIntoConstructorLifecycleAndTestMethods(RedisServer redis) {
    assertThat(redis).isSameAs(constructorServer).isSameAs(beforeEachServer);
    assertThat(redis.isRunning()).isTrue();
    firstPort = redis.port();
    redis.command("SET", "left-behind", "x");
  }

  @Test
  @Order(2)
  void flushesBeforeEachTest(RedisServer redis) {
    assertThat(redis.port()).isEqualTo(firstPort);
    assertThat(redis.command("EXISTS", "left-behind")).isEqualTo(0L);
  }

  @Test
  @Order(3)
  void aTestMayKillTheServer(RedisServer redis) {
    redis.command("SET", "left-behind", "x");
    redis.kill();
    assertThat(redis.isRunning()).isFalse();
  }

  @Test
  @Order(4)
  void theNextTestGetsItBackOnTheSamePort(RedisServer redis) {
    assertThat(redis.isRunning()).isTrue();
    assertThat(redis.port()).isEqualTo(firstPort);
    assertThat(redis.command("PING")).isEqualTo("PONG");
    redis.suspend();
  }

  @Test
  @Order(5)
  void aSuspendedServerIsResumedForTheNextTest(RedisServer redis) {
    assertThat(redis.isSuspended()).isFalse();
    assertThat(redis.command("PING")).isEqualTo("PONG");
    redis.pause(Duration.ofMillis(500));
  }

  @Test
  @Order(6)
  void aPausedServerIsFlushedOnceThePauseEnds(RedisServer redis) {
    assertThat(redis.command("DBSIZE")).isEqualTo(0L);
  }

  @Nested
  class NestedTests {
    @Test
    void shareTheOuterClassServer(RedisServer redis) {
      assertThat(redis).isSameAs(constructorServer);
    }
  }
}
