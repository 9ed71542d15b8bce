package dev.strata.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.strata.cache.KeyCodec;
import dev.strata.cache.invalidation.InvalidationBus;
import dev.strata.cache.invalidation.InvalidationEvent;
import dev.strata.cache.local.LocalCache;
import dev.strata.cache.redis.internal.InvalidationMessageCodec;
import dev.strata.cache.redis.metrics.RedisInvalidationBusMetrics;
import dev.strata.testsupport.RedisServer;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Redis pub/sub bus on its own server, which some of these tests restart. */
class RedisInvalidationBusTest {

  private static final Duration PATIENCE = Duration.ofSeconds(20);

  private RedisServer server;
  private final List<RedisClient> clients = new ArrayList<>();
  private final List<RedisInvalidationBus> buses = new ArrayList<>();

  @BeforeEach
  void startRedis() {
    server = RedisServer.start();
  }

  @AfterEach
  void stop() {
    buses.forEach(RedisInvalidationBus::close);
    clients.forEach(RedisClient::shutdown);
    server.close();
  }

  private RedisClient client() {
    RedisClient client = RedisClient.create(server.uri());
    clients.add(client);
    return client;
  }

  private RedisInvalidationBus bus(String nodeId) {
    RedisInvalidationBus bus = RedisInvalidationBus.builder(client()).nodeId(nodeId).build();
    buses.add(bus);
    return bus;
  }

  /** Records events and gaps. */
  static final class Recorder implements InvalidationBus.Subscriber {
    final List<InvalidationEvent> events = new CopyOnWriteArrayList<>();
    final AtomicInteger gaps = new AtomicInteger();

    @Override
    public void onEvent(InvalidationEvent event) {
      events.add(event);
    }

    @Override
    public void onGap() {
      gaps.incrementAndGet();
    }
  }

  @Test
  void afterARedisRestartTheBusResubscribesReportsAGapAndDeliversAgain() {
    RedisInvalidationBus a = bus("a");
    RedisInvalidationBus b = bus("b");
    Recorder recorder = new Recorder();
    b.subscribe("users", recorder);
    a.publish(InvalidationEvent.keys("users", List.of("1"), "a"));
    await().atMost(PATIENCE).until(() -> recorder.events.size() == 1);

    server.restart();

    await().atMost(PATIENCE).until(() -> recorder.gaps.get() == 1);
    assertThat(b.gapCount()).isEqualTo(1);
    a.publish(InvalidationEvent.keys("users", List.of("2"), "a"));
    await().atMost(PATIENCE).until(() -> recorder.events.size() == 2);
    assertThat(recorder.events.get(1).keys()).containsExactly("2");
  }

  @Test
  void aTieredCacheKeepsServingWhileRedisIsDownAndClearsItsL1WhenTheBusComesBack() {
    RedisInvalidationBus bus = bus("a");
    LocalCache<String, String> l1 = LocalCache.<String, String>builder().name("users-l1").build();
    try (RedisCache<String, String> l2 =
            RedisCache.builder(client())
                .name("users")
                .commandTimeout(Duration.ofMillis(200))
                .build();
        TieredCache<String, String> users =
            TieredCache.builder(l1, l2).bus(bus).keyCodec(KeyCodec.string()).build()) {
      users.get("cached", key -> "C");

      server.kill();

      assertThat(users.get("cached", key -> "unused")).as("from L1").isEqualTo("C");
      assertThat(users.get("new", key -> "N")).as("L2 degrades, the loader answers").isEqualTo("N");
      // neither the write nor the removal of the old value reaches Redis: the put fails loudly
      assertThatThrownBy(() -> users.put("written", "W"))
          .isInstanceOf(InvalidationFailedException.class);

      server.restart();

      await().atMost(PATIENCE).until(() -> bus.gapCount() == 1);
      assertThat(l1.getIfPresent("cached")).as("L1 cleared after the gap").isNull();
    }
  }

  @Test
  void anEventWithMoreKeysThanFitOneMessageArrivesWhole() {
    RedisInvalidationBus a =
        RedisInvalidationBus.builder(client()).nodeId("a").maxMessageBytes(512).build();
    buses.add(a);
    RedisInvalidationBus b =
        RedisInvalidationBus.builder(client()).nodeId("b").maxMessageBytes(512).build();
    buses.add(b);
    Recorder recorder = new Recorder();
    b.subscribe("users", recorder);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      keys.add("user-" + i);
    }

    a.publish(InvalidationEvent.keys("users", keys, "a"));

    await()
        .atMost(PATIENCE)
        .until(() -> recorder.events.stream().mapToInt(e -> e.keys().size()).sum() == 1000);
    assertThat(recorder.events.stream().flatMap(e -> e.keys().stream()).toList())
        .containsExactlyElementsOf(keys);
    assertThat(a.sentCount()).isGreaterThan(1);
  }

  @Test
  void aFailingSubscriberDoesNotStopTheOthersOrTheListener() {
    RedisInvalidationBus a = bus("a");
    RedisInvalidationBus b = bus("b");
    b.subscribe(
        "users",
        new InvalidationBus.Subscriber() {
          @Override
          public void onEvent(InvalidationEvent event) {
            throw new IllegalStateException("subscriber bug");
          }
        });
    Recorder recorder = new Recorder();
    b.subscribe("users", recorder);

    a.publish(InvalidationEvent.keys("users", List.of("1"), "a"));
    a.publish(InvalidationEvent.keys("users", List.of("2"), "a"));

    await().atMost(PATIENCE).until(() -> recorder.events.size() == 2);
  }

  @Test
  void eventsReachOnlyTheSubscribersOfTheirCacheAndStopAfterUnsubscribing() {
    RedisInvalidationBus a = bus("a");
    RedisInvalidationBus b = bus("b");
    Recorder users = new Recorder();
    Recorder usersToo = new Recorder();
    Recorder orders = new Recorder();
    InvalidationBus.Subscription first = b.subscribe("users", users);
    b.subscribe("users", usersToo);
    b.subscribe("orders", orders);

    a.publish(InvalidationEvent.keys("users", List.of("1"), "a"));
    await().atMost(PATIENCE).until(() -> usersToo.events.size() == 1);
    first.close();
    first.close();
    a.publish(InvalidationEvent.keys("users", List.of("2"), "a"));
    a.publish(InvalidationEvent.all("orders", "a"));

    await().atMost(PATIENCE).until(() -> usersToo.events.size() == 2 && orders.events.size() == 1);
    assertThat(users.events).hasSize(1);
    assertThat(orders.events.get(0).all()).isTrue();
  }

  @Test
  void metersReportTheBusCounts() {
    RedisInvalidationBus a = bus("a");
    RedisInvalidationBus b = bus("b");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    new RedisInvalidationBusMetrics(b, Tags.of("app", "shop")).bindTo(registry);
    Recorder recorder = new Recorder();
    b.subscribe("users", recorder);

    a.publish(InvalidationEvent.keys("users", List.of("1"), "a"));
    b.publish(InvalidationEvent.keys("users", List.of("2"), "b"));
    try (var raw = client().connect()) {
      raw.sync().publish(b.channel("users"), "garbage");
    }

    await()
        .atMost(PATIENCE)
        .until(() -> b.droppedMalformedCount() == 1 && b.echoIgnoredCount() == 1);
    assertThat(count(registry, "strata.cache.invalidation.sent", "b")).isEqualTo(1.0);
    assertThat(count(registry, "strata.cache.invalidation.received", "b")).isEqualTo(1.0);
    assertThat(
            registry
                .get("strata.cache.invalidation.dropped")
                .tags("node", "b", "reason", "malformed", "app", "shop")
                .functionCounter()
                .count())
        .isEqualTo(1.0);
    assertThat(count(registry, "strata.cache.invalidation.gaps", "b")).isZero();
  }

  @Test
  void theDelayTimerRecordsEveryTimedEventAndClampsAPublisherClockAhead() {
    RedisInvalidationBus a = bus("a");
    RedisInvalidationBus old = untimedBus("old");
    RedisInvalidationBus b = bus("b");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    new RedisInvalidationBusMetrics(b).bindTo(registry);
    b.subscribe("users", new Recorder());

    a.publish(InvalidationEvent.keys("users", List.of("1"), "a"));
    old.publish(InvalidationEvent.keys("users", List.of("2"), "old")); // no publish time
    long anHourAhead = (System.currentTimeMillis() + 3_600_000L) * 1_000L;
    byte[] skewed =
        new InvalidationMessageCodec(RedisInvalidationBus.DEFAULT_MAX_MESSAGE_BYTES)
            .encode(InvalidationEvent.keys("users", List.of("3"), "ahead"), anHourAhead)
            .get(0);
    try (var raw = client().connect(RedisDeployment.RAW)) {
      raw.sync().publish(b.channel("users"), skewed);
    }

    await().atMost(PATIENCE).until(() -> b.receivedCount() == 3);
    Timer delay = registry.get("strata.cache.invalidation.delay").tags("node", "b").timer();
    await().atMost(PATIENCE).until(() -> delay.count() == 2);
    assertThat(
            registry
                .get("strata.cache.invalidation.delay.clamped")
                .tags("node", "b")
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  /** A bus that sends messages without a publish time, as releases before it did. */
  private RedisInvalidationBus untimedBus(String nodeId) {
    RedisInvalidationBus bus =
        RedisInvalidationBus.builder(client()).nodeId(nodeId).publishTimestamps(false).build();
    buses.add(bus);
    return bus;
  }

  private static double count(SimpleMeterRegistry registry, String name, String node) {
    return registry.get(name).tags("node", node).functionCounter().count();
  }

  @Test
  void theBuilderRejectsBadSettingsNamingThem() {
    RedisClient client = client();

    assertThatThrownBy(() -> RedisInvalidationBus.builder(client).nodeId("").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nodeId must be 1 to 255 UTF-8 bytes but was ''");
    assertThatThrownBy(() -> RedisInvalidationBus.builder(client).nodeId("n".repeat(256)).build())
        .hasMessageContaining("nodeId");
    assertThatThrownBy(() -> RedisInvalidationBus.builder(client).maxMessageBytes(100).build())
        .hasMessageContaining("maxMessageBytes must be between 512 and 536870912 but was 100");
    assertThatThrownBy(
            () -> RedisInvalidationBus.builder(client).subscribeTimeout(Duration.ZERO).build())
        .hasMessageContaining("subscribeTimeout must be positive but was PT0S");
    assertThatThrownBy(() -> RedisInvalidationBus.builder(client).channelPrefix(null).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("channelPrefix");
  }

  @Test
  void busesGetDistinctRandomNodeIdsByDefault() {
    RedisInvalidationBus a = RedisInvalidationBus.builder(client()).build();
    buses.add(a);
    RedisInvalidationBus b = RedisInvalidationBus.builder(client()).build();
    buses.add(b);

    assertThat(a.nodeId()).isNotBlank().isNotEqualTo(b.nodeId());
  }
}
