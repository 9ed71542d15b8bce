package dev.strata.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.strata.testsupport.RedisServer;
import dev.strata.testsupport.RedisServerExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisServerExtension.class)
class RedisConnectorTest {

  @Test
  void connectsFromSettingsAndClosesWhatItCreated(RedisServer redis) {
    RedisConnector connector =
        RedisConnector.create(RedisSettings.builder(redis.uri()).clientName("strata-test").build());
    assertThat(connector.isCluster()).isFalse();
    assertThat(connector.ownsClient()).isTrue();
    RedisConnection<String, String> strings = connector.connect(StringCodec.UTF8);
    RedisConnection<byte[], byte[]> bytes =
        connector.connect(ByteArrayCodec.INSTANCE, Duration.ofMillis(300));
    strings.sync().set("k", "v");
    assertThat(new String(bytes.sync().get("k".getBytes()))).isEqualTo("v");
    assertThat(bytes.timeout()).isEqualTo(Duration.ofMillis(300));
    assertThat(strings.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(String.valueOf(redis.command("CLIENT", "LIST"))).contains("name=strata-test");

    connector.close();
    assertThat(strings.isOpen()).isFalse();
    assertThat(bytes.isOpen()).isFalse();
    assertThatThrownBy(() -> connector.connect(StringCodec.UTF8))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the Redis connector is closed");
  }

  @Test
  void pubSubConnectionsReceiveWhatIsPublished(RedisServer redis) throws Exception {
    try (RedisConnector connector =
        RedisConnector.create(RedisSettings.builder(redis.uri()).build())) {
      StatefulRedisPubSubConnection<String, String> sub = connector.connectPubSub(StringCodec.UTF8);
      BlockingQueue<String> received = new LinkedBlockingQueue<>();
      sub.addListener(
          new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
              received.add(channel + "=" + message);
            }
          });
      sub.sync().subscribe("strata:i:users");
      connector.connect(StringCodec.UTF8).sync().publish("strata:i:users", "hello");
      assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("strata:i:users=hello");
    }
  }

  @Test
  void closingAfterItsUserClosedAPubSubConnectionDoesNotCloseItAgain(RedisServer redis) {
    try (CapturedLogs logs = new CapturedLogs("io.lettuce.core")) {
      RedisConnector connector = RedisConnector.create(RedisSettings.builder(redis.uri()).build());
      StatefulRedisPubSubConnection<String, String> sub = connector.connectPubSub(StringCodec.UTF8);
      RedisConnection<String, String> plain = connector.connect(StringCodec.UTF8);
      sub.sync().subscribe("strata:i:users");
      sub.close();

      connector.close();

      assertThat(plain.isOpen()).isFalse();
      assertThat(logs.lines()).noneMatch(line -> line.contains("already closed"));
    }
  }

  @Test
  void pubSubConnectionsClosedByTheirUsersAreForgotten(RedisServer redis) {
    try (RedisConnector connector =
        RedisConnector.create(RedisSettings.builder(redis.uri()).build())) {
      for (int i = 0; i < 20; i++) {
        connector.connectPubSub(StringCodec.UTF8).close();
      }
      StatefulRedisPubSubConnection<String, String> live =
          connector.connectPubSub(StringCodec.UTF8);
      assertThat(connector.trackedConnections()).isEqualTo(1);
      assertThat(live.isOpen()).isTrue();
    }
  }

  @Test
  void neverShutsDownAnApplicationsClient(RedisServer redis) {
    RedisClient client = RedisClient.create(redis.uri());
    try {
      RedisConnector connector = RedisConnector.of(client);
      assertThat(connector.ownsClient()).isFalse();
      RedisConnection<String, String> connection = connector.connect(StringCodec.UTF8);
      assertThat(connection.sync().ping()).isEqualTo("PONG");
      connector.close();
      assertThat(connection.isOpen()).isFalse();
      try (var own = client.connect()) {
        assertThat(own.sync().ping()).isEqualTo("PONG");
      }
    } finally {
      client.shutdown();
    }
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void whileRedisIsDownCommandsAreRejectedAtOnceAndCounted(RedisServer redis) {
    try (RedisConnector connector =
        RedisConnector.create(RedisSettings.builder(redis.uri()).build())) {
      RedisConnection<byte[], byte[]> connection = connector.connect(ByteArrayCodec.INSTANCE);
      connection.sync().ping();
      redis.kill();
      await().atMost(Duration.ofSeconds(30)).until(() -> !connection.stateful().isOpen());

      byte[] value = new byte[100];
      int pending = 0;
      for (int i = 0; i < 100_000; i++) {
        var set = connection.async().set(("k" + i).getBytes(), value).toCompletableFuture();
        var publish = connection.async().publish("ch".getBytes(), value).toCompletableFuture();
        set.whenComplete((ok, e) -> connector.countIfRejected(e));
        publish.whenComplete((ok, e) -> connector.countIfRejected(e));
        pending += (set.isDone() ? 0 : 1) + (publish.isDone() ? 0 : 1);
      }
      // nothing is held in memory: every command failed on the spot
      assertThat(pending).isZero();
      assertThat(connector.rejectedCommands()).isGreaterThan(199_900);
    } finally {
      redis.restart();
    }
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void aBoundedQueueHoldsAtMostItsSizeWhileRedisIsDown(RedisServer redis) {
    RedisSettings settings =
        RedisSettings.builder(redis.uri())
            .rejectCommandsWhileDisconnected(false)
            .requestQueueSize(1_000)
            .commandTimeout(Duration.ofMinutes(1))
            .build();
    try (RedisConnector connector = RedisConnector.create(settings)) {
      RedisConnection<byte[], byte[]> connection = connector.connect(ByteArrayCodec.INSTANCE);
      connection.sync().ping();
      redis.kill();
      await().atMost(Duration.ofSeconds(30)).until(() -> !connection.stateful().isOpen());

      byte[] value = new byte[100];
      int pending = 0;
      for (int i = 0; i < 100_000; i++) {
        var set = connection.async().set(("k" + i).getBytes(), value).toCompletableFuture();
        var publish = connection.async().publish("ch".getBytes(), value).toCompletableFuture();
        set.whenComplete((ok, e) -> connector.countIfRejected(e));
        publish.whenComplete((ok, e) -> connector.countIfRejected(e));
        pending += (set.isDone() ? 0 : 1) + (publish.isDone() ? 0 : 1);
      }
      assertThat(pending).isLessThanOrEqualTo(1_000);
      assertThat(connector.rejectedCommands()).isGreaterThanOrEqualTo(199_000);
    } finally {
      redis.restart();
    }
  }
}
