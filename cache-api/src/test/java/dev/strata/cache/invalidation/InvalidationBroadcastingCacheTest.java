package dev.strata.cache.invalidation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.strata.cache.KeyCodec;
import dev.strata.cache.contract.InMemoryCache;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InvalidationBroadcastingCacheTest {

  /** One simulated server: its bus node and its own copy of the "users" cache. */
  record Node(
      LocalInvalidationBus bus,
      InMemoryCache<Long, String> local,
      InvalidationBroadcastingCache<Long, String> cache) {
    static Node on(LocalInvalidationBus bus) {
      InMemoryCache<Long, String> local = new InMemoryCache<>("users");
      return new Node(
          bus, local, InvalidationBroadcastingCache.builder(local, bus, KeyCodec.longs()).build());
    }
  }

  private final LocalInvalidationBus busA = LocalInvalidationBus.create("a");
  private final Node a = Node.on(busA);
  private final Node b = Node.on(busA.join("b"));
  private final Node c = Node.on(busA.join("c"));

  @AfterEach
  void close() {
    for (Node node : List.of(a, b, c)) {
      node.cache().close();
      node.bus().close();
    }
  }

  private void everyoneHas(long key, String value) {
    for (Node node : List.of(a, b, c)) {
      node.local().put(key, value);
    }
  }

  @Test
  void aPutOnOneNodeDropsTheStaleCopiesOfTheOthersButNotItsOwn() {
    everyoneHas(1L, "old");
    everyoneHas(2L, "untouched");

    a.cache().put(1L, "new");

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> b.local().getIfPresent(1L) == null && c.local().getIfPresent(1L) == null);
    assertThat(a.local().getIfPresent(1L))
        .as("no echo: the writer keeps its value")
        .isEqualTo("new");
    assertThat(b.local().getIfPresent(2L)).isEqualTo("untouched");
  }

  @Test
  void invalidationsOfKeysAndOfEverythingReachTheOtherNodes() {
    everyoneHas(1L, "x");
    everyoneHas(2L, "y");
    everyoneHas(3L, "z");

    b.cache().invalidateAll(List.of(1L, 2L));
    await().atMost(Duration.ofSeconds(10)).until(() -> a.local().getIfPresent(2L) == null);
    assertThat(c.cache().getAllPresent(List.of(1L, 2L, 3L))).containsOnly(Map.entry(3L, "z"));

    c.cache().invalidateAll();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> a.local().getIfPresent(3L) == null && b.local().getIfPresent(3L) == null);
  }

  @Test
  void keysThatDoNotDecodeAreSkippedAndTheRestApplied() {
    everyoneHas(1L, "x");
    everyoneHas(2L, "y");

    busA.join("intruder").publish(InvalidationEvent.keys("users", List.of("not-a-long", "2"), "z"));

    await().atMost(Duration.ofSeconds(10)).until(() -> b.local().getIfPresent(2L) == null);
    assertThat(b.local().getIfPresent(1L)).isEqualTo("x");
  }

  @Test
  void loadsAreNotPublishedAndAClosedCacheStopsListening() {
    everyoneHas(1L, "x");
    b.cache().close();

    a.cache().get(5L, key -> "loaded");
    a.cache().invalidate(1L);

    await().atMost(Duration.ofSeconds(10)).until(() -> c.local().getIfPresent(1L) == null);
    assertThat(b.local().getIfPresent(1L)).isEqualTo("x");
  }

  @Test
  void builderRejectsNulls() {
    assertThatThrownBy(
            () -> InvalidationBroadcastingCache.builder(a.local(), null, KeyCodec.longs()))
        .hasMessage("bus must not be null");
    assertThatThrownBy(() -> InvalidationBroadcastingCache.builder(a.local(), busA, null))
        .hasMessage("codec must not be null");
  }
}
