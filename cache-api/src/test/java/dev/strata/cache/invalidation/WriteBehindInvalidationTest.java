package dev.strata.cache.invalidation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strata.cache.CacheWriter;
import dev.strata.cache.KeyCodec;
import dev.strata.cache.contract.InMemoryCache;
import dev.strata.cache.strategy.WriteBehindCache;
import dev.strata.cache.strategy.WriteBehindListener;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A write-behind cache under the invalidation bus: peers must not keep a row reloaded too early.
 */
class WriteBehindInvalidationTest {

  /** The shared database, whose writes can be held back. */
  static final class Database implements CacheWriter<Long, String> {
    final Map<Long, String> rows = new ConcurrentHashMap<>();
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public void write(Long key, String value) throws InterruptedException {
      writeAll(Map.of(key, value));
    }

    @Override
    public void writeAll(Map<? extends Long, ? extends String> entries)
        throws InterruptedException {
      release.await(30, TimeUnit.SECONDS);
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

  @Test
  void peersDropWhatTheyReloadedBeforeTheFlushOnceTheBatchIsWritten() throws Exception {
    Database database = new Database();
    database.rows.put(1L, "old");
    LocalInvalidationBus busA = LocalInvalidationBus.create("a");
    LocalInvalidationBus busB = busA.join("b");
    WriteBehindCache<Long, String> writeBehind =
        WriteBehindCache.builder(new InMemoryCache<Long, String>("users"), database)
            .maxDelay(Duration.ofMillis(1))
            .build();
    InvalidationBroadcastingCache<Long, String> nodeA =
        InvalidationBroadcastingCache.builder(writeBehind, busA, KeyCodec.longs()).build();
    InMemoryCache<Long, String> localB = new InMemoryCache<>("users");
    InvalidationBroadcastingCache<Long, String> nodeB =
        InvalidationBroadcastingCache.builder(localB, busB, KeyCodec.longs()).build();
    try {
      localB.put(1L, "old");

      nodeA.put(1L, "new");
      await().atMost(Duration.ofSeconds(10)).until(() -> localB.getIfPresent(1L) == null);
      // B reloads before A's batch reached the database, and caches the old row
      assertThat(nodeB.get(1L, database.rows::get)).isEqualTo("old");

      database.release.countDown();
      writeBehind.flush();

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(localB.getIfPresent(1L))
                      .as("B dropped the old row it reloaded before the flush")
                      .isNull());
      assertThat(nodeB.get(1L, database.rows::get)).isEqualTo("new");
    } finally {
      nodeA.close();
      nodeB.close();
      writeBehind.close();
      busB.close();
      busA.close();
    }
  }

  @Test
  void listenersReceiveTheKeysOfEachWrittenBatch() throws Exception {
    Database database = new Database();
    database.release.countDown();
    List<List<?>> batches = new CopyOnWriteArrayList<>();
    try (WriteBehindCache<Long, String> cache =
        WriteBehindCache.builder(new InMemoryCache<Long, String>("users"), database)
            .maxDelay(Duration.ofHours(1))
            .build()) {
      cache.addListener(
          new WriteBehindListener() {
            @Override
            public void onBatchWritten(List<?> keys, long nanos) {
              batches.add(keys);
            }
          });
      cache.put(1L, "a");
      cache.put(2L, "b");
      cache.delete(3L);
      cache.flush();
      assertThat(batches).containsExactly(List.of(1L, 2L, 3L));
    }
  }
}
