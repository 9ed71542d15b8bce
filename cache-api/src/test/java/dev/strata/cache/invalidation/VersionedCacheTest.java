package dev.strata.cache.invalidation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.cache.KeyCodec;
import dev.strata.cache.contract.InMemoryCache;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class VersionedCacheTest {

  private final InMemoryVersionStore versions = new InMemoryVersionStore();

  @Test
  void invalidateAllBumpsTheNamespaceVersionWithoutTouchingTheEntries() {
    InMemoryCache<String, String> store = new InMemoryCache<>("users");
    VersionedCache<Long, String> users =
        VersionedCache.builder(store, KeyCodec.longs(), versions).build();
    for (long id = 0; id < 1_000; id++) {
      users.put(id, "v" + id);
    }
    assertThat(users.storedKey(7L)).isEqualTo("0:7");

    users.invalidateAll();

    assertThat(store.estimatedSize()).as("nothing was deleted").hasValue(1_000);
    assertThat(versions.version("users")).isEqualTo(1);
    assertThat(users.storedKey(7L)).isEqualTo("1:7");
    assertThat(users.getIfPresent(7L)).isNull();
    assertThat(users.getAllPresent(List.of(1L, 2L))).isEmpty();
    assertThat(users.get(7L, key -> "reloaded")).isEqualTo("reloaded");
  }

  @Test
  void aSharedVersionStoreInvalidatesTheCopiesOfOtherNodes() {
    InMemoryCache<String, String> storeA = new InMemoryCache<>("users");
    InMemoryCache<String, String> storeB = new InMemoryCache<>("users");
    VersionedCache<Long, String> nodeA =
        VersionedCache.builder(storeA, KeyCodec.longs(), versions).keyVersions(true).build();
    VersionedCache<Long, String> nodeB =
        VersionedCache.builder(storeB, KeyCodec.longs(), versions).keyVersions(true).build();
    nodeA.put(1L, "a1");
    nodeB.put(1L, "b1");
    nodeB.put(2L, "b2");

    nodeA.invalidate(1L);

    assertThat(nodeB.getIfPresent(1L)).as("B's copy is orphaned by the key version").isNull();
    assertThat(nodeB.getIfPresent(2L)).isEqualTo("b2");
    assertThat(nodeA.storedKey(1L)).isEqualTo("0:1:1");
    nodeB.invalidateAll();
    assertThat(nodeA.getIfPresent(2L)).isNull();
    assertThat(nodeA.storedKey(1L)).isEqualTo("1:1:1");
  }

  @Test
  void bulkLoadsGoThroughTheLoaderWithTheCallersKeys() {
    VersionedCache<Long, String> users =
        VersionedCache.builder(
                new InMemoryCache<String, String>("users"), KeyCodec.longs(), versions)
            .namespace("app:users")
            .build();
    users.put(1L, "one");
    AtomicInteger bulkCalls = new AtomicInteger();

    Map<Long, String> values =
        users.getAll(
            List.of(1L, 2L, 3L),
            new dev.strata.cache.CacheLoader<Long, String>() {
              @Override
              public String load(Long key) {
                throw new AssertionError("bulk expected");
              }

              @Override
              public Map<Long, String> loadAll(java.util.Set<? extends Long> keys) {
                bulkCalls.incrementAndGet();
                assertThat(new java.util.HashSet<Long>(keys)).containsExactlyInAnyOrder(2L, 3L);
                return Map.of(2L, "two");
              }
            });

    assertThat(values).containsOnly(Map.entry(1L, "one"), Map.entry(2L, "two"));
    assertThat(bulkCalls).hasValue(1);
    assertThat(users.namespace()).isEqualTo("app:users");
    users.invalidateAll();
    assertThat(versions.version("app:users")).isEqualTo(1);
  }

  @Test
  void badInputIsRejectedWithClearMessages() {
    InMemoryCache<String, String> store = new InMemoryCache<>("users");

    assertThatThrownBy(
            () ->
                VersionedCache.builder(store, KeyCodec.longs(), versions)
                    .namespace("users and more")
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "namespace must be 1 to 200 letters, digits, '.', '_', ':' or '-' but was 'users and"
                + " more'");
    assertThatThrownBy(() -> VersionedCache.builder(store, KeyCodec.longs(), null))
        .hasMessage("versions must not be null");
    VersionedCache<Long, String> users =
        VersionedCache.builder(store, KeyCodec.longs(), versions).build();
    assertThatThrownBy(() -> users.storedKey(null)).hasMessage("key must not be null");
    assertThatThrownBy(() -> versions.bump(null)).hasMessage("id must not be null");
  }
}
