package dev.strata.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.strata.cache.redis.internal.LeaseWaits;
import dev.strata.cache.redis.internal.LeaseWakeUps;
import dev.strata.cache.redis.internal.LeasedFill;
import dev.strata.testsupport.RedisServer;
import dev.strata.testsupport.WithRedis;
import io.lettuce.core.RedisClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waiting for another node's fill lease: woken by the lease channel when the fill lands, a dead
 * holder's lease expires (counted), a lease given back ends the wait (not counted as expired), the
 * lease settings are validated at build time; and the wake-up latency with and without the lease
 * channel, logged for the record (not asserted).
 */
@WithRedis
class LeaseWaitTest {

  private static final Logger LOG = LoggerFactory.getLogger(LeaseWaitTest.class);

  private RedisServer redis;
  private final List<RedisClient> clients = new ArrayList<>();
  private final List<RedisCache<String, String>> caches = new ArrayList<>();

  @BeforeEach
  void setUp(RedisServer redis) {
    this.redis = redis;
  }

  @AfterEach
  void tearDown() {
    caches.forEach(RedisCache::close);
    clients.forEach(c -> c.shutdown(0, 2, TimeUnit.SECONDS));
  }

  private RedisCache<String, String> node(String name, Duration lease, Duration maxWait) {
    RedisClient client = RedisClient.create(redis.uri());
    clients.add(client);
    RedisCache<String, String> cache =
        RedisCache.builder(client)
            .name(name)
            .commandTimeout(Duration.ofSeconds(5))
            .leaseDuration(lease)
            .leaseMaxWait(maxWait)
            .build();
    caches.add(cache);
    return cache;
  }

  private static byte[] redisKey(String cache, String key) {
    return ("strata:c:" + cache + ":" + key).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aDeadHoldersLeaseExpiresAndTheWaiterLoadsAndFills() {
    RedisCache<String, String> dead =
        node("expiry", Duration.ofMillis(300), Duration.ofMillis(300));
    RedisCache<String, String> waiter =
        node("expiry", Duration.ofSeconds(10), Duration.ofSeconds(5));
    LeasedFill.Acquired lease = dead.leasedFill().acquire(redisKey("expiry", "k")).join();
    assertThat(lease.outcome()).isEqualTo(LeasedFill.Outcome.GRANTED);
    // the holder never fills nor gives the lease back, as if its process died

    assertThat(waiter.get("k", k -> "loaded-by-waiter")).isEqualTo("loaded-by-waiter");

    LeaseStats stats = waiter.leaseStats();
    assertThat(stats.waited()).isEqualTo(1);
    assertThat(stats.expired()).as("the holder's lease expired under the waiter").isEqualTo(1);
    assertThat(stats.waitsTimedOut()).isZero();
    assertThat(stats.fillsLanded()).as("the waiter took the lease over and filled").isEqualTo(1);
    assertThat(dead.getIfPresent("k")).isEqualTo("loaded-by-waiter");
  }

  @Test
  void aLeaseGivenBackEndsTheWaitWithoutCountingAnExpiry() throws Exception {
    RedisCache<String, String> holder =
        node("release", Duration.ofSeconds(10), Duration.ofSeconds(5));
    RedisCache<String, String> waiter =
        node("release", Duration.ofSeconds(10), Duration.ofSeconds(5));
    await().atMost(Duration.ofSeconds(10)).until(() -> waiter.wakeUpsActive());
    LeasedFill.Acquired lease = holder.leasedFill().acquire(redisKey("release", "k")).join();
    CompletableFuture<String> waiting =
        waiter
            .async()
            .get("k", k -> CompletableFuture.completedFuture("own"))
            .toCompletableFuture();
    await().atMost(Duration.ofSeconds(10)).until(() -> waiter.leaseStats().waited() == 1);

    holder.leasedFill().release(redisKey("release", "k"), lease).join();

    assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("own");
    assertThat(waiter.leaseStats().expired()).isZero();
    assertThat(waiter.leaseStats().granted()).isEqualTo(1);
  }

  @Test
  void anAsynchronousWaiterIsServedTheHoldersFill() throws Exception {
    RedisCache<String, String> holder =
        node("async", Duration.ofSeconds(10), Duration.ofSeconds(5));
    RedisCache<String, String> waiter =
        node("async", Duration.ofSeconds(10), Duration.ofSeconds(5));
    CompletableFuture<String> release = new CompletableFuture<>();
    CompletableFuture<String> holding = holder.async().get("k", k -> release).toCompletableFuture();
    await().atMost(Duration.ofSeconds(10)).until(() -> holder.leaseStats().granted() == 1);
    CompletableFuture<String> waiting =
        waiter
            .async()
            .get("k", k -> CompletableFuture.completedFuture("not-expected"))
            .toCompletableFuture();
    await().atMost(Duration.ofSeconds(10)).until(() -> waiter.leaseStats().waited() == 1);

    release.complete("from-holder");

    assertThat(holding.get(10, TimeUnit.SECONDS)).isEqualTo("from-holder");
    assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("from-holder");
    assertThat(waiter.leaseStats().granted()).isZero();
  }

  @Test
  void leaseSettingsAreValidatedAtBuild() {
    assertThatThrownBy(
            () ->
                RedisCache.builder("redis://127.0.0.1:1")
                    .name("c")
                    .leaseDuration(Duration.ZERO)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("leaseDuration must be in [PT0.001S, PT1H] but was PT0S");
    assertThatThrownBy(
            () ->
                RedisCache.builder("redis://127.0.0.1:1")
                    .name("c")
                    .leaseMaxWait(Duration.ofSeconds(11))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("leaseMaxWait must be in [PT0S, PT10S] but was PT11S");
    assertThatThrownBy(
            () ->
                RedisCache.builder("redis://127.0.0.1:1")
                    .name("c")
                    .leaseDuration(Duration.ofSeconds(30))
                    .tombstoneTtl(Duration.ofSeconds(20))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tombstoneTtl must be in [PT30S, PT24H] but was PT20S");
    assertThatThrownBy(
            () -> RedisCache.builder("redis://127.0.0.1:1").name("c").leaseMaxWait(null).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("leaseMaxWait must not be null");
  }

  /**
   * Measures how long after a fill landed its waiter on another node is served, woken by the lease
   * channel and, for comparison, by looking again with the backoff alone. Logged, not asserted: the
   * machine's load decides the numbers.
   */
  @Test
  void wakeUpLatencyWithAndWithoutTheLeaseChannel() throws Exception {
    RedisCache<String, String> holder =
        node("latency", Duration.ofSeconds(10), Duration.ofSeconds(5));
    RedisCache<String, String> waiter =
        node("latency", Duration.ofSeconds(10), Duration.ofSeconds(5));
    await().atMost(Duration.ofSeconds(10)).until(() -> waiter.wakeUpsActive());
    LeaseWaits polling = new LeaseWaits(waiter.leasedFill(), LeaseWakeUps.none());

    long[] notified = measure(holder, waiter.leaseWaits, "n");
    long[] polled = measure(holder, polling, "p");

    LOG.info(
        "fill-lease wake-up latency over {} waits, microseconds p50/p90/p99/max: lease channel"
            + " {}, backoff alone {}",
        notified.length,
        percentiles(notified),
        percentiles(polled));
  }

  private long[] measure(RedisCache<String, String> holder, LeaseWaits waits, String tag)
      throws Exception {
    int rounds = 60;
    long[] micros = new long[rounds];
    for (int i = 0; i < rounds; i++) {
      byte[] key = redisKey("latency", tag + i);
      LeasedFill.Acquired lease = holder.leasedFill().acquire(key).join();
      long waitedBefore = waits.waited();
      long[] servedAt = new long[1];
      CompletableFuture<LeasedFill.Acquired> waiting =
          waits
              .acquireOrWaitAsync(key, Duration.ofSeconds(5))
              .whenComplete((answer, error) -> servedAt[0] = System.nanoTime());
      await().atMost(Duration.ofSeconds(10)).until(() -> waits.waited() > waitedBefore);
      // the holder's load takes a while: the waiter has looked a few times by then
      Thread.sleep(30 + (i % 5) * 7);
      long filledAt = System.nanoTime();
      holder
          .leasedFill()
          .fill(List.of(key), List.of(lease.bytes()), List.of(framed("v")), new long[] {0})
          .join();
      LeasedFill.Acquired answer = waiting.get(10, TimeUnit.SECONDS);
      assertThat(answer.outcome()).isEqualTo(LeasedFill.Outcome.FOUND);
      micros[i] = Math.max(0, (servedAt[0] - filledAt) / 1000);
    }
    java.util.Arrays.sort(micros);
    return micros;
  }

  private static byte[] framed(String value) {
    return dev.strata.cache.redis.internal.StoredValueFormat.frameValue(
        value.getBytes(StandardCharsets.UTF_8));
  }

  private static String percentiles(long[] sorted) {
    return sorted[sorted.length / 2]
        + "/"
        + sorted[sorted.length * 9 / 10]
        + "/"
        + sorted[Math.min(sorted.length - 1, sorted.length * 99 / 100)]
        + "/"
        + sorted[sorted.length - 1];
  }
}
