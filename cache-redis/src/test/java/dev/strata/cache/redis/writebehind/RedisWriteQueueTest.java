package dev.strata.cache.redis.writebehind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.strata.cache.CacheWriter;
import dev.strata.cache.KeyCodec;
import dev.strata.cache.local.LocalCache;
import dev.strata.cache.redis.RedisWriteQueue;
import dev.strata.cache.redis.ValueCodec;
import dev.strata.cache.redis.metrics.RedisWriteQueueMetrics;
import dev.strata.cache.spi.PendingWrite;
import dev.strata.cache.spi.WriteQueue;
import dev.strata.cache.strategy.WriteBehindCache;
import dev.strata.testsupport.RedisServer;
import dev.strata.testsupport.WithRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@WithRedis
class RedisWriteQueueTest {

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  /** A writer into a map, whose writes can be held back. */
  static final class MapWriter implements CacheWriter<Long, String> {
    final Map<Long, String> rows = new ConcurrentHashMap<>();
    volatile CountDownLatch gate = new CountDownLatch(0);
    final CountDownLatch entered = new CountDownLatch(1);

    @Override
    public void write(Long key, String value) throws Exception {
      writeAll(Map.of(key, value));
    }

    @Override
    public void writeAll(Map<? extends Long, ? extends String> entries) throws Exception {
      entered.countDown();
      gate.await(60, TimeUnit.SECONDS);
      rows.putAll(entries);
    }

    @Override
    public void delete(Long key) {
      rows.remove(key);
    }

    @Override
    public void deleteAll(Collection<? extends Long> keys) {
      keys.forEach(rows::remove);
    }
  }

  private RedisWriteQueue<Long, String> queue(RedisServer redis, String node, Duration lease) {
    RedisClient client = RedisClient.create(redis.uri());
    StatefulRedisConnection<String, String> connection = client.connect();
    resources.add(client::shutdown);
    resources.add(connection);
    return RedisWriteQueue.builder(connection.async(), KeyCodec.longs(), ValueCodec.utf8())
        .name("users")
        .nodeId(node)
        .partitions(4)
        .capacity(1000)
        .leaseTime(lease)
        .pollInterval(Duration.ofMillis(10))
        .build();
  }

  private WriteBehindCache<Long, String> cache(
      RedisWriteQueue<Long, String> queue, CacheWriter<Long, String> writer) {
    WriteBehindCache<Long, String> cache =
        WriteBehindCache.builder(
                LocalCache.<Long, String>builder().name("users").maximumSize(10_000).build(),
                writer)
            .queue(queue)
            .maxDelay(Duration.ofMillis(10))
            .closeTimeout(Duration.ofSeconds(5))
            .build();
    resources.add(cache);
    return cache;
  }

  @Test
  void writesReachTheWriterAndEveryNodeSeesWhatIsPending(RedisServer redis) throws Exception {
    MapWriter writer = new MapWriter();
    writer.gate = new CountDownLatch(1);
    WriteBehindCache<Long, String> a = cache(queue(redis, "a", Duration.ofSeconds(5)), writer);
    RedisWriteQueue<Long, String> other = queue(redis, "b", Duration.ofSeconds(5));
    resources.add(other::release);

    a.put(1L, "one");
    a.put(2L, "two");
    a.put(2L, "two again");
    a.delete(3L);
    PendingWrite<Long, String> pending = other.pendingWrite(2L);
    assertThat(pending).isNotNull();
    assertThat(pending.value())
        .as("another node sees the newest queued value")
        .isEqualTo("two again");
    assertThat(other.pendingWrite(3L)).extracting(PendingWrite::isDelete).isEqualTo(true);

    writer.gate.countDown();
    a.flush();
    assertThat(writer.rows).containsExactlyInAnyOrderEntriesOf(Map.of(1L, "one", 2L, "two again"));
    assertThat(other.pendingWrite(2L)).as("written writes are no longer pending").isNull();
  }

  @Test
  void aDeadOwnersPartitionsAreTakenOverAndItsBatchWrittenAgain(RedisServer redis)
      throws Exception {
    MapWriter stuck = new MapWriter();
    stuck.gate = new CountDownLatch(1);
    RedisWriteQueue<Long, String> queueA = queue(redis, "a", Duration.ofMillis(600));
    WriteBehindCache<Long, String> a = cache(queueA, stuck);
    await().atMost(Duration.ofSeconds(10)).until(() -> queueA.stats().ownedPartitions() == 4);
    for (long key = 0; key < 20; key++) {
      a.put(key, "v" + key);
    }
    assertThat(stuck.entered.await(10, TimeUnit.SECONDS)).isTrue();
    // node a "dies" mid-batch: its flusher is abandoned, its leases run out
    List<?> notWritten = a.close(Duration.ofMillis(50));
    assertThat(notWritten).isNotEmpty();

    MapWriter writer = new MapWriter();
    RedisWriteQueue<Long, String> queueB = queue(redis, "b", Duration.ofMillis(600));
    WriteBehindCache<Long, String> b = cache(queueB, writer);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(writer.rows).hasSize(20));
    for (long key = 0; key < 20; key++) {
      assertThat(writer.rows).containsEntry(key, "v" + key);
    }
    assertThat(queueB.stats().ownerChanges()).isGreaterThanOrEqualTo(4);
    assertThat(queueB.stats().claimedEntries()).isPositive();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    new RedisWriteQueueMetrics(queueB, Tags.of("name", "users")).bindTo(registry);
    assertThat(registry.get("strata.write.behind.durable.owner.changes").functionCounter().count())
        .isGreaterThanOrEqualTo(4);
    assertThat(registry.get("strata.write.behind.durable.lag").gauges()).hasSize(4);
    assertThat(registry.get("strata.write.behind.durable.owned.partitions").gauge().value())
        .isBetween(0.0, 4.0);
    stuck.gate.countDown();
    b.flush();
  }

  @Test
  void aFullQueueRefusesAndTheBuilderNamesBadSettings(RedisServer redis) {
    RedisClient client = RedisClient.create(redis.uri());
    StatefulRedisConnection<String, String> connection = client.connect();
    resources.add(client::shutdown);
    resources.add(connection);
    RedisWriteQueue<Long, String> queue =
        RedisWriteQueue.builder(connection.async(), KeyCodec.longs(), ValueCodec.utf8())
            .name("small")
            .partitions(1)
            .capacity(2)
            .build();
    resources.add(queue::release);
    assertThat(queue.offer(1L, "a")).isEqualTo(WriteQueue.Offer.QUEUED);
    assertThat(queue.offer(1L, "b")).isEqualTo(WriteQueue.Offer.COALESCED);
    assertThat(queue.offer(2L, "c")).isEqualTo(WriteQueue.Offer.FULL);

    assertThatThrownBy(
            () ->
                RedisWriteQueue.builder(connection.async(), KeyCodec.longs(), ValueCodec.utf8())
                    .name("{bad}")
                    .build())
        .hasMessageContaining("name must match")
        .hasMessageContaining("'{bad}'");
    assertThatThrownBy(
            () ->
                RedisWriteQueue.builder(connection.async(), KeyCodec.longs(), ValueCodec.utf8())
                    .partitions(0)
                    .build())
        .hasMessage("partitions must be in [1, 1024] but was 0");
  }
}
