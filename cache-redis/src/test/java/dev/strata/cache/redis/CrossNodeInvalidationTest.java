package dev.strata.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.strata.cache.KeyCodec;
import dev.strata.cache.contract.InMemoryCache;
import dev.strata.cache.invalidation.InvalidationBus;
import dev.strata.cache.invalidation.InvalidationEvent;
import dev.strata.cache.invalidation.VersionedCache;
import dev.strata.cache.local.LocalCache;
import dev.strata.cache.redis.internal.InvalidationMessageCodec;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Two (or three) nodes, each a {@link TieredCache} with its own Redis client, {@link
 * RedisInvalidationBus}, L1 and {@link RedisCache} L2 over the same Redis: what one node writes,
 * the others stop serving from their L1 within one message delay. Runs on a single Redis and on a
 * Redis Cluster.
 */
abstract class CrossNodeInvalidationTest {

  private static final Duration PATIENCE = Duration.ofSeconds(20);

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private String cacheName = "cache";

  /** The Redis the nodes share; opened once per test class by the subclass. */
  protected abstract RedisDeployment deployment();

  @BeforeEach
  void nameTheCache(TestInfo info) {
    cacheName = "x-" + info.getTestMethod().orElseThrow().getName();
  }

  @AfterEach
  void closeNodes() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    closeables.clear();
  }

  /**
   * A node of the service: its own Redis client, bus, L1 and L2 (a {@link RedisCache} on its own
   * connection; the nodes share its entries through Redis), and the tiered cache over them.
   */
  final class Node {
    final RedisInvalidationBus bus;
    final LocalCache<String, String> l1;
    final RedisCache<String, String> l2;
    final TieredCache<String, String> cache;

    Node(String nodeId) {
      AbstractRedisClient client = deployment().client();
      bus = track(RedisDeployment.busOn(client).nodeId(nodeId).build());
      l1 = LocalCache.<String, String>builder().name(cacheName + "-l1-" + nodeId).build();
      l2 = track(RedisDeployment.redisCacheOn(client).name(cacheName).build());
      cache =
          track(
              TieredCache.builder(l1, l2)
                  .bus(bus)
                  .keyCodec(KeyCodec.string())
                  .l1Ttl(Duration.ofMinutes(5))
                  .build());
    }
  }

  private <T extends AutoCloseable> T track(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  /** Records every raw message on a channel, as a third party subscribed to it would. */
  final class ChannelTap {
    final List<byte[]> messages = new CopyOnWriteArrayList<>();

    ChannelTap(String channel) throws Exception {
      StatefulRedisPubSubConnection<String, byte[]> connection = deployment().rawPubSub();
      track(connection::close);
      connection.addListener(
          new RedisPubSubAdapter<>() {
            @Override
            public void message(String ch, byte[] message) {
              messages.add(message);
            }
          });
      connection.sync().subscribe(channel);
    }

    List<InvalidationEvent> events() {
      InvalidationMessageCodec codec =
          new InvalidationMessageCodec(RedisInvalidationBus.DEFAULT_MAX_MESSAGE_BYTES);
      return messages.stream().map(codec::decode).toList();
    }
  }

  private String channel() {
    return RedisInvalidationBus.DEFAULT_CHANNEL_PREFIX + cacheName;
  }

  @Test
  void aWriteOnOneNodeDropsTheOtherNodesL1CopyWithinOneMessage() {
    Node a = new Node("a");
    Node b = new Node("b");
    assertThat(b.cache.get("k", key -> "v1")).isEqualTo("v1");
    assertThat(a.cache.get("k", key -> "unused")).isEqualTo("v1");
    assertThat(b.l1.getIfPresent("k")).isEqualTo("v1");

    a.cache.put("k", "v2");

    assertThat(a.l1.getIfPresent("k")).as("the writer drops its own copy at once").isNull();
    await().atMost(PATIENCE).until(() -> b.l1.getIfPresent("k") == null);
    assertThat(b.cache.getIfPresent("k")).isEqualTo("v2");
    assertThat(b.l1.getIfPresent("k")).as("refilled from L2").isEqualTo("v2");
    assertThat(b.bus.receivedCount()).isEqualTo(1);
  }

  @Test
  void invalidationsOfOneKeySeveralKeysAndEverythingReachTheOtherNode() {
    Node a = new Node("a");
    Node b = new Node("b");
    for (String key : List.of("k1", "k2", "k3", "k4")) {
      b.cache.get(key, k -> k.toUpperCase());
    }

    a.cache.invalidate("k1");
    await().atMost(PATIENCE).until(() -> b.l1.getIfPresent("k1") == null);
    assertThat(b.l1.getIfPresent("k2")).isEqualTo("K2");

    a.cache.invalidateAll(List.of("k2", "k3"));
    await().atMost(PATIENCE).until(() -> b.l1.getAllPresent(List.of("k2", "k3")).isEmpty());
    assertThat(b.l1.getIfPresent("k4")).isEqualTo("K4");

    a.cache.invalidateAll();
    await().atMost(PATIENCE).until(() -> b.l1.getIfPresent("k4") == null);
    assertThat(b.cache.getIfPresent("k4")).as("gone from L2 as well").isNull();
  }

  @Test
  void asyncWritesAreBroadcastToo() throws Exception {
    Node a = new Node("a");
    Node b = new Node("b");
    b.cache.get("k", key -> "v1");

    a.cache.async().put("k", "v2").toCompletableFuture().get(10, TimeUnit.SECONDS);

    await().atMost(PATIENCE).until(() -> b.l1.getIfPresent("k") == null);
    assertThat(b.cache.async().getIfPresent("k").toCompletableFuture().get()).isEqualTo("v2");
  }

  @Test
  void aNodeIgnoresItsOwnEcho() {
    Node a = new Node("a");
    Node b = new Node("b");
    List<InvalidationEvent> seenByA = new CopyOnWriteArrayList<>();
    InvalidationBus.Subscription tap = a.bus.subscribe(cacheName, seenByA::add);
    track(tap::close);

    a.cache.put("from-a", "v");
    await().atMost(PATIENCE).until(() -> a.bus.echoIgnoredCount() == 1);
    b.cache.put("from-b", "v");
    await().atMost(PATIENCE).until(() -> seenByA.size() == 1);

    assertThat(seenByA.get(0).originId()).isEqualTo("b");
    assertThat(seenByA.get(0).keys()).containsExactly("from-b");
    assertThat(a.bus.receivedCount()).isEqualTo(1);
    assertThat(b.bus.echoIgnoredCount()).isEqualTo(1);
  }

  @Test
  void fillsByLoadsAndFromL2BroadcastNothingOnlyWritesDo() throws Exception {
    Node a = new Node("a");
    Node b = new Node("b");
    ChannelTap tap = new ChannelTap(channel());

    a.cache.get("loaded", key -> "L"); // load: fills L2 and a's L1
    b.cache.get("loaded", key -> "unused"); // fills b's L1 from L2
    b.cache.getIfPresent("loaded");
    a.cache.getAll(List.of("x", "y"), key -> key); // bulk load
    b.cache.getAllPresent(List.of("x", "y")); // bulk fill from L2
    a.cache
        .async()
        .get("z", key -> CompletableFuture.completedFuture("Z"))
        .toCompletableFuture()
        .get();
    a.cache.put("marker-a", "m");
    b.cache.invalidate("marker-b");

    await().atMost(PATIENCE).until(() -> tap.messages.size() >= 2);
    assertThat(tap.events())
        .extracting(InvalidationEvent::keys)
        .containsExactlyInAnyOrder(List.of("marker-a"), List.of("marker-b"));
    assertThat(a.bus.sentCount() + b.bus.sentCount()).isEqualTo(2);
  }

  @Test
  void concurrentMissesOnOneNodeMakeOneLoadThroughBothLevels() throws Exception {
    Node a = new Node("a");
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    int racers = 16;
    List<CompletableFuture<String>> results = new ArrayList<>();
    for (int i = 0; i < racers; i++) {
      results.add(
          CompletableFuture.supplyAsync(
              () ->
                  a.cache.get(
                      "k",
                      key -> {
                        loads.incrementAndGet();
                        release.await();
                        return "v";
                      })));
    }
    await().atMost(PATIENCE).until(() -> loads.get() == 1);
    release.countDown();

    for (CompletableFuture<String> result : results) {
      assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("v");
    }
    assertThat(loads).hasValue(1);
  }

  @Test
  void aFetchOvertakenByAnInvalidationDoesNotLeaveItsStaleValueInL1() throws Exception {
    Node a = new Node("a");
    Node b = new Node("b");
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<String> slowGet =
        CompletableFuture.supplyAsync(
            () ->
                a.cache.get(
                    "k",
                    key -> {
                      loading.countDown();
                      release.await();
                      return "stale";
                    }));
    assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();

    b.cache.invalidate("k");
    await().atMost(PATIENCE).until(() -> a.bus.receivedCount() == 1);
    release.countDown();

    assertThat(slowGet.get(10, TimeUnit.SECONDS)).isEqualTo("stale");
    assertThat(a.l1.getIfPresent("k")).isNull();
  }

  @Test
  void afterThePubSubConnectionDropsTheBusResubscribesClearsL1AndInvalidationsFlowAgain() {
    Node a = new Node("a");
    Node b = new Node("b");
    b.cache.get("k", key -> "v1");
    b.cache.get("other", key -> "o");
    long gapsBefore = b.bus.gapCount();

    deployment().killPubSubConnections();

    await().atMost(PATIENCE).until(() -> b.bus.gapCount() > gapsBefore);
    await().atMost(PATIENCE).until(() -> b.l1.getIfPresent("other") == null);
    assertThat(b.l1.getIfPresent("k")).as("L1 cleared on the gap").isNull();

    b.cache.get("k", key -> "unused");
    assertThat(b.l1.getIfPresent("k")).isEqualTo("v1");
    await().atMost(PATIENCE).until(() -> a.bus.gapCount() > 0);
    a.cache.put("k", "v2");
    await().atMost(PATIENCE).until(() -> b.l1.getIfPresent("k") == null);
    assertThat(b.cache.getIfPresent("k")).isEqualTo("v2");
  }

  @Test
  void malformedMessagesOnTheChannelAreDroppedAndCountedAndTheListenerKeepsWorking() {
    Node a = new Node("a");
    Node b = new Node("b");
    b.cache.get("k", key -> "v1");

    deployment().publishRaw(channel(), "not an invalidation".getBytes(StandardCharsets.UTF_8));
    deployment().publishRaw(channel(), new byte[] {0x53, 1, 0, (byte) 200});
    byte[] otherCache =
        new InvalidationMessageCodec(1024)
            .encode(InvalidationEvent.all("another-cache", "mallory"))
            .get(0);
    deployment().publishRaw(channel(), otherCache);
    deployment().publishRaw(channel(), new byte[0]);

    await().atMost(PATIENCE).until(() -> b.bus.droppedMalformedCount() == 4);
    assertThat(b.l1.getIfPresent("k")).as("nothing dropped by garbage").isEqualTo("v1");
    a.cache.put("k", "v2");
    await().atMost(PATIENCE).until(() -> b.l1.getIfPresent("k") == null);
  }

  @Test
  void anUndecodableKeyFromAPeerIsIgnoredAndTheRestOfTheEventApplied() {
    Node b = new Node("b");
    KeyCodec<Long> longs = KeyCodec.longs();
    LocalCache<Long, String> l1 =
        LocalCache.<Long, String>builder().name(cacheName + "-l1").build();
    TieredCache<Long, String> numbers =
        track(
            TieredCache.builder(l1, new InMemoryCache<Long, String>(cacheName + "-n"))
                .name(cacheName + "-n")
                .bus(b.bus)
                .keyCodec(longs)
                .build());
    numbers.get(7L, key -> "seven");
    Node a = new Node("a");

    a.bus.publish(InvalidationEvent.keys(cacheName + "-n", List.of("seven?", "7"), "a"));

    await().atMost(PATIENCE).until(() -> l1.getIfPresent(7L) == null);
  }

  @Test
  void versionBumpOnOneNodeIsSeenByTheOtherWithinTheLocalTtl() {
    RedisVersionStore a =
        track(deployment().versionStore().localTtl(Duration.ofMillis(200)).build());
    RedisVersionStore b =
        track(deployment().versionStore().localTtl(Duration.ofMillis(200)).build());
    String namespace = cacheName + "-ns";
    assertThat(a.version(namespace)).isZero();
    assertThat(b.version(namespace)).isZero();

    assertThat(a.bump(namespace)).isEqualTo(1);

    assertThat(a.version(namespace)).as("own bump visible at once").isEqualTo(1);
    await().atMost(PATIENCE).until(() -> b.version(namespace) == 1);
    assertThat(b.bump(namespace)).isEqualTo(2);
    await().atMost(PATIENCE).until(() -> a.version(namespace) == 2);
  }

  @Test
  void oneNamespaceBumpOrphansTheVersionedEntriesOfEveryNode() {
    Node a = new Node("a");
    Node b = new Node("b");
    VersionedCache<String, String> usersOnA = versioned(a);
    VersionedCache<String, String> usersOnB = versioned(b);
    usersOnA.put("42", "old");
    assertThat(usersOnB.getIfPresent("42")).isEqualTo("old");

    usersOnB.invalidateAll(); // one INCR

    assertThat(usersOnB.getIfPresent("42")).as("the bumping node at once").isNull();
    await().atMost(PATIENCE).until(() -> usersOnA.getIfPresent("42") == null);
    assertThat(usersOnA.get("42", key -> "new")).isEqualTo("new");
    assertThat(usersOnB.getIfPresent("42")).isEqualTo("new");
  }

  private VersionedCache<String, String> versioned(Node node) {
    RedisVersionStore versions =
        track(deployment().versionStore().localTtl(Duration.ofMillis(200)).build());
    return VersionedCache.builder(node.l2, KeyCodec.string(), versions)
        .namespace(cacheName + "-users")
        .build();
  }

  @Test
  void aClosedBusRefusesToPublishAndSubscribe() {
    RedisInvalidationBus bus = deployment().bus().build();
    bus.close();
    bus.close();

    assertThatThrownBy(() -> bus.publish(InvalidationEvent.all("c", bus.nodeId())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> bus.subscribe("c", event -> {}))
        .isInstanceOf(IllegalStateException.class);
  }
}
