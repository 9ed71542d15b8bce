package dev.strata.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.strata.cache.CacheStats;
import dev.strata.cache.KeyCodec;
import dev.strata.cache.contract.InMemoryCache;
import dev.strata.cache.invalidation.InvalidationBus;
import dev.strata.cache.invalidation.InvalidationEvent;
import dev.strata.cache.local.LocalCache;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The tiered cache's own rules, on one node: what it publishes, what a peer's event or a gap does
 * to L1, the L1 TTL bound, statistics and builder validation. The bus here is an in-test recorder
 * (the Redis bus is exercised by the cross-node tests).
 */
class TieredCacheTest {

  /** A bus that records what is published and lets the test play the other nodes. */
  static final class RecordingBus implements InvalidationBus {
    final List<InvalidationEvent> published = new CopyOnWriteArrayList<>();
    final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();

    @Override
    public String nodeId() {
      return "me";
    }

    @Override
    public void publish(InvalidationEvent event) {
      published.add(event);
    }

    @Override
    public Subscription subscribe(String cacheName, Subscriber subscriber) {
      subscribers.add(subscriber);
      return () -> subscribers.remove(subscriber);
    }

    @Override
    public void close() {}
  }

  private final RecordingBus bus = new RecordingBus();
  private final LocalCache<String, String> l1 =
      LocalCache.<String, String>builder().name("users-l1").build();
  private final InMemoryCache<String, String> l2 = new InMemoryCache<>("users");

  private TieredCache<String, String> tiered(Duration l1Ttl) {
    return TieredCache.builder(l1, l2).bus(bus).keyCodec(KeyCodec.string()).l1Ttl(l1Ttl).build();
  }

  @Test
  void writesGoToL2DropTheLocalCopyAndArePublishedWhileFillsAreNot() {
    TieredCache<String, String> cache = tiered(Duration.ofMinutes(1));
    cache.get("a", key -> "A");
    cache.getAll(List.of("b", "c"), key -> key);
    assertThat(bus.published).isEmpty();
    assertThat(l1.getIfPresent("a")).isEqualTo("A");

    cache.put("a", "A2");
    cache.putAll(Map.of("b", "B2"));
    cache.invalidateAll(List.of("c", "c"));
    cache.invalidateAll();

    assertThat(l2.getIfPresent("a")).isNull();
    assertThat(bus.published)
        .containsExactly(
            InvalidationEvent.keys("users", List.of("a"), "me"),
            InvalidationEvent.keys("users", List.of("b"), "me"),
            InvalidationEvent.keys("users", List.of("c"), "me"),
            InvalidationEvent.all("users", "me"));
  }

  @Test
  void aPeerEventDropsTheL1CopyButLeavesL2() {
    TieredCache<String, String> cache = tiered(Duration.ofMinutes(1));
    cache.get("a", key -> "A");

    bus.subscribers.get(0).onEvent(InvalidationEvent.keys("users", List.of("a"), "peer"));

    assertThat(l1.getIfPresent("a")).isNull();
    assertThat(l2.getIfPresent("a")).isEqualTo("A");
    assertThat(cache.getIfPresent("a")).isEqualTo("A");
  }

  @Test
  void aGapClearsTheWholeL1() {
    TieredCache<String, String> cache = tiered(Duration.ofMinutes(1));
    cache.get("a", key -> "A");
    cache.get("b", key -> "B");

    bus.subscribers.get(0).onGap();

    assertThat(l1.getAllPresent(List.of("a", "b"))).isEmpty();
    assertThat(cache.getAllPresent(List.of("a", "b"))).containsOnlyKeys("a", "b");
  }

  @Test
  void anL1CopyExpiresAfterTheL1TtlEvenIfAnInvalidationIsLost() {
    TieredCache<String, String> cache = tiered(Duration.ofMillis(200));
    cache.get("a", key -> "old");

    l2.put("a", "new"); // another node's write whose message never arrived

    assertThat(cache.getIfPresent("a")).isEqualTo("old");
    await().atMost(Duration.ofSeconds(10)).until(() -> "new".equals(cache.getIfPresent("a")));
  }

  @Test
  void statsCountALookupOnceAndEachLevelKeepsItsOwn() {
    TieredCache<String, String> cache = tiered(Duration.ofMinutes(1));
    CacheStats before = cache.stats();

    cache.getIfPresent("a"); // miss in both
    cache.get("a", key -> "A"); // miss in both, one load
    cache.get("a", key -> "unused"); // L1 hit
    l1.invalidate("a");
    cache.getIfPresent("a"); // L2 hit

    CacheStats delta = cache.stats().minus(before);
    assertThat(delta.hitCount()).isEqualTo(2);
    assertThat(delta.missCount()).isEqualTo(2);
    assertThat(delta.loadSuccessCount()).isEqualTo(1);
    assertThat(cache.l1Stats().hitCount()).isEqualTo(1);
    assertThat(cache.l1Stats().missCount()).isEqualTo(3);
    assertThat(cache.l2Stats().hitCount()).isEqualTo(1);
  }

  @Test
  void closingEndsTheSubscription() {
    TieredCache<String, String> cache = tiered(Duration.ofMinutes(1));
    assertThat(bus.subscribers).hasSize(1);

    cache.close();

    assertThat(bus.subscribers).isEmpty();
  }

  @Test
  void theNameDefaultsToTheL2sAndNamesTheChannel() {
    TieredCache<String, String> cache = tiered(Duration.ofMinutes(1));

    assertThat(cache.name()).isEqualTo("users");
    assertThat(cache.l1Ttl()).isEqualTo(Duration.ofMinutes(1));
    assertThat(TieredCache.builder(l1, l2).bus(bus).keyCodec(KeyCodec.string()).build().l1Ttl())
        .isEqualTo(TieredCache.DEFAULT_L1_TTL);
  }

  @Test
  void theBuilderRejectsBadSettingsNamingThem() {
    assertThatThrownBy(() -> TieredCache.builder(l1, l2).keyCodec(KeyCodec.string()).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("bus must not be null");
    assertThatThrownBy(() -> TieredCache.builder(l1, l2).bus(bus).build())
        .hasMessage("keyCodec must not be null");
    assertThatThrownBy(
            () -> TieredCache.builder(null, l2).bus(bus).keyCodec(KeyCodec.string()).build())
        .hasMessage("l1 must not be null");
    assertThatThrownBy(
            () -> TieredCache.builder(l2, l2).bus(bus).keyCodec(KeyCodec.string()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("l1 and l2 must be different caches");
    assertThatThrownBy(
            () ->
                TieredCache.builder(l1, l2)
                    .bus(bus)
                    .keyCodec(KeyCodec.string())
                    .l1Ttl(Duration.ofSeconds(-1))
                    .build())
        .hasMessage("l1Ttl must be positive but was PT-1S");
    assertThatThrownBy(
            () -> TieredCache.builder(l1, l2).bus(bus).keyCodec(KeyCodec.string()).name("").build())
        .hasMessageContaining("name must not be empty");
  }
}
