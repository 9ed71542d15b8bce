package dev.strata.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strata.testsupport.RedisServer;
import dev.strata.testsupport.WithRedis;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One load per key across nodes: a miss that finds another node's lease waits for its fill instead
 * of loading, bounded by the builder's {@code leaseMaxWait}.
 */
@WithRedis
class DistributedSingleFlightTest {

  private static final int NODES = 4;
  private static final int MISSES = 1000;

  private final List<RedisClient> clients = new ArrayList<>();
  private final List<RedisCache<String, String>> nodes = new ArrayList<>();

  @BeforeEach
  void startNodes(RedisServer redis) {
    for (int i = 0; i < NODES; i++) {
      RedisClient client = RedisClient.create(redis.uri());
      clients.add(client);
      nodes.add(
          RedisCache.builder(client).name("flight").commandTimeout(Duration.ofSeconds(5)).build());
    }
  }

  @AfterEach
  void stopNodes() {
    nodes.forEach(RedisCache::close);
    clients.forEach(c -> c.shutdown(0, 2, TimeUnit.SECONDS));
  }

  private long waited() {
    return nodes.stream().mapToLong(n -> n.leaseStats().waited()).sum();
  }

  @Test
  void aThousandConcurrentMissesFromFourClientsCauseOneLoad() throws Exception {
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService callers = Executors.newFixedThreadPool(64);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < MISSES; i++) {
        RedisCache<String, String> node = nodes.get(i % NODES);
        results.add(
            callers.submit(
                () -> {
                  start.await();
                  return node.get(
                      "hot",
                      key -> {
                        loads.incrementAndGet();
                        // hold the lease until every other node is waiting for this fill
                        await().atMost(Duration.ofSeconds(30)).until(() -> waited() >= NODES - 1);
                        return "loaded-once";
                      });
                }));
      }
      start.countDown();
      for (Future<String> result : results) {
        assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo("loaded-once");
      }
    } finally {
      callers.shutdownNow();
    }

    assertThat(loads).as("database loads").hasValue(1);
    assertThat(nodes.stream().mapToLong(n -> n.leaseStats().granted()).sum()).isEqualTo(1);
    assertThat(nodes.stream().mapToLong(n -> n.leaseStats().waitsTimedOut()).sum()).isZero();
  }

  @Test
  void aWaiterWhoseHolderNeverFillsLoadsByItselfAfterTheBoundedWait() throws Exception {
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread holder =
        new Thread(
            () ->
                nodes
                    .get(0)
                    .get(
                        "stuck",
                        key -> {
                          holding.countDown();
                          release.await();
                          return "late";
                        }));
    holder.start();
    try {
      assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();

      assertThat(nodes.get(1).get("stuck", key -> "own")).isEqualTo("own");
      assertThat(nodes.get(1).leaseStats().waitsTimedOut()).isEqualTo(1);
    } finally {
      release.countDown();
      holder.join(10_000);
    }
  }
}
