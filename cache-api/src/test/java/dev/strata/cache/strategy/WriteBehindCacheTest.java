package dev.strata.cache.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.strata.cache.contract.InMemoryCache;
import dev.strata.cache.jdbc.TestDatabase;
import io.github.resilience4j.retry.RetryConfig;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WriteBehindCacheTest {

  private static final Duration LONG = Duration.ofHours(1);
  private static final RetryConfig PATIENT_RETRY =
      RetryConfig.custom().maxAttempts(1_000).waitDuration(Duration.ofMillis(20)).build();
  private static final RetryConfig QUICK_GIVE_UP =
      RetryConfig.custom().maxAttempts(2).waitDuration(Duration.ofMillis(10)).build();

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeResources() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private UserTable table(TestDatabase db) throws SQLException {
    UserTable table = new UserTable(db);
    resources.add(table);
    return table;
  }

  private <K, V> WriteBehindCache<K, V> track(WriteBehindCache<K, V> cache) {
    resources.add(cache);
    return cache;
  }

  private static InMemoryCache<Long, String> memory() {
    return new InMemoryCache<>("wb");
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void putsAndDeletesReachTheDatabaseInBatchesOnFlush(TestDatabase db) throws Exception {
    UserTable table = table(db);
    table.store.writeAll(Map.of(1000L, "gone soon"));
    RecordingWriter<Long, String> writer = new RecordingWriter<>(table.store);
    WriteBehindCache<Long, String> cache =
        track(WriteBehindCache.builder(memory(), writer).batchSize(10).maxDelay(LONG).build());

    for (long id = 1; id <= 45; id++) {
      cache.put(id, "v" + id);
    }
    cache.delete(1000L);
    assertThat(cache.getIfPresent(7L)).as("the cache has the value at once").isEqualTo("v7");
    cache.flush();

    Map<Long, String> expected = new HashMap<>();
    for (long id = 1; id <= 45; id++) {
      expected.put(id, "v" + id);
    }
    assertThat(table.rows()).isEqualTo(expected);
    assertThat(writer.calls)
        .allSatisfy(c -> assertThat(c.written().size() + c.deleted().size()).isBetween(1, 10));
    assertThat(cache.writeStats().written()).isEqualTo(46);
    assertThat(cache.writeStats().batches()).isGreaterThanOrEqualTo(5);
    assertThat(cache.queueDepth()).isZero();
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void aBatchLeavesAfterTheMaxDelayWithoutAFlush(TestDatabase db) throws Exception {
    UserTable table = table(db);
    WriteBehindCache<Long, String> cache =
        track(
            WriteBehindCache.builder(memory(), table.store)
                .batchSize(1_000)
                .maxDelay(Duration.ofMillis(100))
                .build());

    cache.put(1L, "a");
    cache.put(2L, "b");

    await().atMost(Duration.ofSeconds(10)).until(() -> table.count() == 2);
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void aFullBatchLeavesWithoutWaitingForTheDelay(TestDatabase db) throws Exception {
    UserTable table = table(db);
    WriteBehindCache<Long, String> cache =
        track(WriteBehindCache.builder(memory(), table.store).batchSize(5).maxDelay(LONG).build());

    for (long id = 1; id <= 6; id++) {
      cache.put(id, "v" + id);
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> table.count() == 5);
    assertThat(cache.queueDepth()).as("the sixth write waits for its delay").isEqualTo(1);
    assertThat(table.rows()).doesNotContainKey(6L);
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void waitingWritesToAKeyCoalesceLastWinsAndADeleteAfterAPutWins(TestDatabase db)
      throws Exception {
    UserTable table = table(db);
    table.store.writeAll(Map.of(2L, "in database"));
    RecordingWriter<Long, String> writer = new RecordingWriter<>(table.store);
    writer.hold();
    WriteBehindCache<Long, String> cache =
        track(WriteBehindCache.builder(memory(), writer).batchSize(1).maxDelay(LONG).build());

    cache.put(0L, "first batch");
    assertThat(writer.entered.await(10, TimeUnit.SECONDS)).isTrue();
    cache.put(0L, "second batch"); // its key is being written: waits for the next batch
    cache.put(1L, "a");
    cache.put(1L, "b");
    cache.put(1L, "c");
    cache.put(2L, "x");
    cache.delete(2L);
    cache.delete(3L);
    cache.put(3L, "back");
    writer.release();
    cache.flush();

    assertThat(writer.writesOf(0L)).containsExactly("first batch", "second batch");
    assertThat(writer.writesOf(1L)).containsExactly("c");
    assertThat(writer.writesOf(2L)).isEmpty();
    assertThat(writer.writesOf(3L)).containsExactly("back");
    assertThat(table.rows())
        .containsExactly(Map.entry(0L, "second batch"), Map.entry(1L, "c"), Map.entry(3L, "back"));
    WriteBehindStats stats = cache.writeStats();
    assertThat(stats.accepted()).isEqualTo(9);
    assertThat(stats.coalesced()).isEqualTo(4);
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void concurrentWritersKeepPerKeyOrderAndTheCacheAgreesWithTheDatabase(TestDatabase db)
      throws Exception {
    UserTable table = table(db);
    RecordingWriter<Long, String> writer = new RecordingWriter<>(table.store);
    WriteBehindCache<Long, String> cache =
        track(
            WriteBehindCache.builder(memory(), writer)
                .batchSize(50)
                .maxDelay(Duration.ofMillis(5))
                .build());
    int threads = 8;
    int writesPerThread = 400;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    resources.add(pool::shutdownNow);
    List<CompletableFuture<Void>> writers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      writers.add(
          CompletableFuture.runAsync(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
                for (int i = 0; i < writesPerThread; i++) {
                  long ownKey = thread * 100L + i % 10;
                  cache.put(ownKey, String.format("%02d-%05d", thread, i));
                  cache.put(1_000L + i % 5, String.format("%02d-%05d", thread, i));
                }
              },
              pool));
    }
    start.countDown();
    CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    cache.flush();

    Map<Long, String> rows = table.rows();
    for (int t = 0; t < threads; t++) {
      for (int k = 0; k < 10; k++) {
        long key = t * 100L + k;
        int last = writesPerThread - 10 + k;
        assertThat(rows.get(key)).isEqualTo(String.format("%02d-%05d", t, last));
        List<String> seen = writer.writesOf(key);
        assertThat(seen).as("writes of key %d arrive in order", key).isSorted();
      }
    }
    for (long shared = 1_000L; shared < 1_005L; shared++) {
      assertThat(rows.get(shared))
          .as("the cache and the database end with the same value")
          .isEqualTo(cache.getIfPresent(shared));
    }
    assertThat(cache.writeStats().accepted()).isEqualTo(2L * threads * writesPerThread);
    assertThat(cache.writeStats().deadLettered()).isZero();
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void aWriterThatFailsForAWhileAndRecoversLosesNothing(TestDatabase db) throws Exception {
    UserTable table = table(db);
    WriteBehindCache<Long, String> cache =
        track(
            WriteBehindCache.builder(memory(), table.store)
                .batchSize(20)
                .maxDelay(Duration.ofMillis(10))
                .retry(PATIENT_RETRY)
                .build());
    table.blockWrites();

    for (long id = 1; id <= 100; id++) {
      cache.put(id, "v" + id);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> cache.writeStats().retries() >= 3);
    assertThat(table.count()).isZero();
    table.unblockWrites();
    cache.flush();

    assertThat(table.count()).isEqualTo(100);
    assertThat(table.rows()).containsEntry(100L, "v100");
    assertThat(cache.writeStats().deadLettered()).isZero();
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void concurrentWritersDuringAnOutageLoseNothingAcknowledgedThroughClose(TestDatabase db)
      throws Exception {
    UserTable table = table(db);
    WriteBehindCache<Long, String> cache =
        WriteBehindCache.builder(memory(), table.store)
            .batchSize(25)
            .maxDelay(Duration.ofMillis(5))
            .queueCapacity(10_000)
            .retry(PATIENT_RETRY)
            .build();
    table.blockWrites();
    int threads = 4;
    int keysPerThread = 150;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    resources.add(pool::shutdownNow);
    CountDownLatch halfway = new CountDownLatch(threads);
    CountDownLatch recovered = new CountDownLatch(1);
    List<CompletableFuture<Void>> writers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      writers.add(
          CompletableFuture.runAsync(
              () -> {
                for (int round = 0; round < 2; round++) {
                  for (int i = 0; i < keysPerThread; i++) {
                    cache.put(thread * 1_000L + i, "t" + thread + "-r" + round + "-" + i);
                  }
                  if (round == 0) {
                    halfway.countDown();
                    try {
                      recovered.await();
                    } catch (InterruptedException e) {
                      throw new IllegalStateException(e);
                    }
                  }
                }
              },
              pool));
    }
    assertThat(halfway.await(60, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(20)).until(() -> cache.writeStats().retries() >= 2);
    table.unblockWrites();
    recovered.countDown();
    CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    cache.close();

    Map<Long, String> rows = table.rows();
    assertThat(rows).hasSize(threads * keysPerThread);
    for (int t = 0; t < threads; t++) {
      for (int i = 0; i < keysPerThread; i++) {
        assertThat(rows.get(t * 1_000L + i)).isEqualTo("t" + t + "-r1-" + i);
      }
    }
    assertThat(cache.writeStats().deadLettered()).isZero();
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void closeDrainsEveryAcknowledgedWriteAndThenRefusesWrites(TestDatabase db) throws Exception {
    UserTable table = table(db);
    WriteBehindCache<Long, String> cache =
        WriteBehindCache.builder(new InMemoryCache<Long, String>("drained"), table.store)
            .batchSize(1_000)
            .maxDelay(LONG)
            .build();
    for (long id = 1; id <= 300; id++) {
      cache.put(id, "v" + id);
    }
    cache.delete(300L);

    cache.close();

    assertThat(table.count()).isEqualTo(299);
    assertThat(cache.isClosed()).isTrue();
    assertThatThrownBy(() -> cache.put(1L, "late"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("write-behind cache 'drained' is closed");
    assertThatThrownBy(() -> cache.delete(1L)).isInstanceOf(IllegalStateException.class);
    cache.close(); // idempotent
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void closeWaitsForAWriterThatRecovers(TestDatabase db) throws Exception {
    UserTable table = table(db);
    WriteBehindCache<Long, String> cache =
        WriteBehindCache.builder(memory(), table.store)
            .batchSize(10)
            .maxDelay(LONG)
            .retry(PATIENT_RETRY)
            .build();
    table.blockWrites();
    for (long id = 1; id <= 50; id++) {
      cache.put(id, "v" + id);
    }

    CompletableFuture<Void> closing = CompletableFuture.runAsync(cache::close);
    await().atMost(Duration.ofSeconds(20)).until(() -> cache.writeStats().retries() >= 2);
    assertThat(closing).isNotDone();
    table.unblockWrites();
    closing.get(30, TimeUnit.SECONDS);

    assertThat(table.count()).isEqualTo(50);
    assertThat(cache.writeStats().deadLettered()).isZero();
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void batchesThatStillFailGoToTheDeadLetterHandler(TestDatabase db) throws Exception {
    UserTable table = table(db);
    table.store.writeAll(Map.of(6L, "six"));
    List<QueuedWrite<Long, String>> dead = new CopyOnWriteArrayList<>();
    AtomicReference<Throwable> deadError = new AtomicReference<>();
    WriteBehindCache<Long, String> cache =
        track(
            WriteBehindCache.builder(memory(), table.store)
                .batchSize(100)
                .maxDelay(LONG)
                .retry(QUICK_GIVE_UP)
                .deadLetterHandler(
                    (writes, error) -> {
                      dead.addAll(writes);
                      deadError.set(error);
                    })
                .build());
    table.blockWrites();
    for (long id = 1; id <= 5; id++) {
      cache.put(id, "v" + id);
    }
    cache.delete(6L);

    cache.flush();

    assertThat(dead)
        .containsExactly(
            new QueuedWrite<>(1L, "v1"),
            new QueuedWrite<>(2L, "v2"),
            new QueuedWrite<>(3L, "v3"),
            new QueuedWrite<>(4L, "v4"),
            new QueuedWrite<>(5L, "v5"),
            new QueuedWrite<>(6L, null));
    assertThat(dead.get(5).isDelete()).isTrue();
    assertThat(deadError.get()).isInstanceOf(SQLException.class);
    assertThat(cache.getAllPresent(List.of(1L, 2L, 3L, 4L, 5L)))
        .as("dead-lettered values leave the cache")
        .isEmpty();
    assertThat(cache.writeStats().deadLettered()).isEqualTo(6);
    assertThat(cache.writeStats().retries()).isEqualTo(1);
    assertThat(table.rows()).containsExactly(Map.entry(6L, "six"));
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void aFullQueueRejectsNewKeysButStillCoalesces(TestDatabase db) throws Exception {
    UserTable table = table(db);
    WriteBehindCache<Long, String> cache =
        track(
            WriteBehindCache.builder(new InMemoryCache<Long, String>("bounded"), table.store)
                .maxDelay(LONG)
                .queueCapacity(3)
                .whenFull(QueueFullPolicy.REJECT)
                .build());
    cache.put(1L, "a");
    cache.put(2L, "b");
    cache.put(3L, "c");

    assertThatThrownBy(() -> cache.put(4L, "d"))
        .isInstanceOf(WriteBehindQueueFullException.class)
        .hasMessage(
            "write-behind queue of cache 'bounded' is full (queueCapacity 3, policy REJECT)");
    assertThatThrownBy(() -> cache.delete(5L)).isInstanceOf(WriteBehindQueueFullException.class);
    cache.put(2L, "b2");

    assertThat(cache.getIfPresent(4L)).as("a refused write leaves the cache alone").isNull();
    assertThat(cache.writeStats().rejected()).isEqualTo(2);
    cache.flush();
    assertThat(table.rows())
        .containsExactly(Map.entry(1L, "a"), Map.entry(2L, "b2"), Map.entry(3L, "c"));
    cache.put(4L, "d");
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void aFullQueueBlocksTheWriterUntilThereIsRoom(TestDatabase db) throws Exception {
    UserTable table = table(db);
    RecordingWriter<Long, String> writer = new RecordingWriter<>(table.store);
    writer.hold();
    WriteBehindCache<Long, String> cache =
        track(
            WriteBehindCache.builder(memory(), writer)
                .batchSize(2)
                .maxDelay(LONG)
                .queueCapacity(2)
                .whenFull(QueueFullPolicy.BLOCK, Duration.ofSeconds(60))
                .build());
    cache.put(1L, "a");
    cache.put(2L, "b");
    assertThat(writer.entered.await(10, TimeUnit.SECONDS)).isTrue();
    cache.put(3L, "c");
    cache.put(4L, "d");

    Thread blocked = new Thread(() -> cache.put(5L, "e"));
    blocked.start();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> blocked.getState() == Thread.State.TIMED_WAITING);
    assertThat(cache.getIfPresent(5L)).isNull();
    writer.release();
    blocked.join(TimeUnit.SECONDS.toMillis(30));

    assertThat(blocked.isAlive()).isFalse();
    cache.flush();
    assertThat(table.count()).isEqualTo(5);
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void aBlockedWriteGivesUpAfterTheOfferTimeout(TestDatabase db) throws Exception {
    UserTable table = table(db);
    WriteBehindCache<Long, String> cache =
        track(
            WriteBehindCache.builder(new InMemoryCache<Long, String>("slow"), table.store)
                .maxDelay(LONG)
                .queueCapacity(1)
                .whenFull(QueueFullPolicy.BLOCK, Duration.ofMillis(100))
                .build());
    cache.put(1L, "a");

    assertThatThrownBy(() -> cache.put(2L, "b"))
        .isInstanceOf(WriteBehindQueueFullException.class)
        .hasMessage(
            "write-behind queue of cache 'slow' is full (queueCapacity 1, policy BLOCK, waited"
                + " PT0.1S)");
    assertThat(cache.getIfPresent(2L)).isNull();
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void readsSeeWritesStillInTheQueue(TestDatabase db) throws Exception {
    UserTable table = table(db);
    table.store.writeAll(Map.of(1L, "db1", 2L, "db2", 3L, "db3"));
    WriteBehindCache<Long, String> cache =
        track(WriteBehindCache.builder(memory(), table.store).maxDelay(LONG).build());
    cache.put(1L, "queued");
    cache.delete(2L);
    cache.invalidate(1L); // drops only the cached copy

    assertThat(cache.get(1L, table.store)).isEqualTo("queued");
    assertThat(cache.get(2L, table.store)).isNull();
    cache.invalidateAll();
    assertThat(cache.getAll(List.of(1L, 2L, 3L), table.store))
        .containsOnly(Map.entry(1L, "queued"), Map.entry(3L, "db3"));
  }

  @Test
  void flushWithATimeoutReportsWhetherItFinished() throws Exception {
    UserTable table = table(TestDatabase.H2);
    RecordingWriter<Long, String> writer = new RecordingWriter<>(table.store);
    writer.hold();
    WriteBehindCache<Long, String> cache =
        track(WriteBehindCache.builder(memory(), writer).maxDelay(LONG).build());
    cache.put(1L, "a");

    assertThat(cache.flush(Duration.ofMillis(50))).isFalse();
    writer.release();
    assertThat(cache.flush(Duration.ofSeconds(30))).isTrue();
    assertThat(table.count()).isEqualTo(1);
  }

  @Test
  void badInputIsRejectedWithClearMessagesAndChangesNothing() throws Exception {
    UserTable table = table(TestDatabase.H2);
    WriteBehindCache<Long, String> cache =
        track(WriteBehindCache.builder(memory(), table.store).maxDelay(LONG).build());
    cache.put(1L, "kept");

    assertThatThrownBy(() -> cache.put(null, "v")).hasMessage("key must not be null");
    assertThatThrownBy(() -> cache.put(1L, null)).hasMessage("value must not be null");
    assertThatThrownBy(() -> cache.put(1L, "v", Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ttl must be positive but was PT-1S");
    assertThatThrownBy(() -> cache.delete(null)).hasMessage("key must not be null");
    Map<Long, String> withNull = new HashMap<>();
    withNull.put(2L, "x");
    withNull.put(3L, null);
    assertThatThrownBy(() -> cache.putAll(withNull))
        .hasMessage("entries must not contain a null value");

    assertThat(cache.writeStats().accepted()).isEqualTo(1);
    assertThat(cache.getIfPresent(1L)).isEqualTo("kept");
  }

  @Test
  void builderRejectsBadSettingsNamingThem() {
    InMemoryCache<String, String> memory = new InMemoryCache<>("bad");
    DecoratorContractTest.MapWriter writer = new DecoratorContractTest.MapWriter();

    assertThatThrownBy(() -> WriteBehindCache.builder(memory, writer).batchSize(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batchSize must be positive but was 0");
    assertThatThrownBy(
            () -> WriteBehindCache.builder(memory, writer).maxDelay(Duration.ofMillis(-5)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxDelay must be positive but was PT-0.005S");
    assertThatThrownBy(() -> WriteBehindCache.builder(memory, writer).queueCapacity(-1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("queueCapacity must be positive but was -1");
    assertThatThrownBy(
            () ->
                WriteBehindCache.builder(memory, writer)
                    .whenFull(QueueFullPolicy.BLOCK, Duration.ZERO)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("offerTimeout must be positive but was PT0S");
    assertThatThrownBy(() -> WriteBehindCache.builder(memory, writer).whenFull(null).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("whenFull must not be null");
    assertThatThrownBy(() -> WriteBehindCache.builder(memory, writer).retry(null).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("retry must not be null");
    assertThatThrownBy(() -> WriteBehindCache.builder(memory, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("writer must not be null");
    assertThatThrownBy(() -> WriteBehindCache.builder(null, writer))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("cache must not be null");
  }
}
