package dev.strata.cache.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.cache.contract.InMemoryCache;
import dev.strata.cache.jdbc.TestDatabase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheAsideTest {

  @Test
  void getLoadsOnMissFillsAndEvictAfterAWriteLoadsTheNewRow() throws Exception {
    try (UserTable table = new UserTable(TestDatabase.H2)) {
      table.store.writeAll(Map.of(1L, "one", 2L, "two"));
      InMemoryCache<Long, String> memory = new InMemoryCache<>("aside");
      CacheAside<Long, String> users = CacheAside.of(memory, table.store);

      assertThat(users.get(1L)).isEqualTo("one");
      assertThat(memory.getIfPresent(1L)).isEqualTo("one");
      table.store.write(1L, "uno");
      assertThat(users.get(1L)).as("stale until evicted").isEqualTo("one");
      users.evict(1L);
      assertThat(users.get(1L)).isEqualTo("uno");
      assertThat(users.getAll(List.of(1L, 2L, 3L)))
          .containsOnly(Map.entry(1L, "uno"), Map.entry(2L, "two"));
      assertThat(users.cache()).isSameAs(memory);
    }
  }

  @Test
  void nullArgumentsAreRejected() {
    assertThatThrownBy(() -> CacheAside.of(null, key -> "v")).hasMessage("cache must not be null");
    assertThatThrownBy(() -> CacheAside.of(new InMemoryCache<String, String>("c"), null))
        .hasMessage("loader must not be null");
  }
}
