package dev.strata.cache.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.cache.CacheWriteException;
import dev.strata.cache.CacheWriter;
import dev.strata.cache.contract.InMemoryCache;
import dev.strata.cache.jdbc.TestDatabase;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WriteThroughCacheTest {

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void writesGoToTheDatabaseAndThenTheCache(TestDatabase db) throws Exception {
    try (UserTable table = new UserTable(db)) {
      InMemoryCache<Long, String> memory = new InMemoryCache<>("users");
      WriteThroughCache<Long, String> users =
          WriteThroughCache.builder(memory, table.store).build();

      users.put(1L, "one");
      users.put(2L, "two", Duration.ofMinutes(5));
      users.putAll(Map.of(3L, "three", 4L, "four"));
      users.delete(2L);
      users.deleteAll(List.of(3L, 99L));

      assertThat(table.rows()).containsExactly(Map.entry(1L, "one"), Map.entry(4L, "four"));
      assertThat(memory.getAllPresent(List.of(1L, 2L, 3L, 4L)))
          .containsOnly(Map.entry(1L, "one"), Map.entry(4L, "four"));
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void aFailedWriteLeavesTheCacheUntouchedAndReachesTheCaller(TestDatabase db) throws Exception {
    try (UserTable table = new UserTable(db)) {
      InMemoryCache<Long, String> memory = new InMemoryCache<>("users");
      WriteThroughCache<Long, String> users =
          WriteThroughCache.builder(memory, table.store).build();
      users.put(1L, "old");
      table.blockWrites();

      assertThatThrownBy(() -> users.put(1L, "new"))
          .isInstanceOf(CacheWriteException.class)
          .hasMessageStartingWith("write-through of cache 'users' failed")
          .hasCauseInstanceOf(SQLException.class);
      assertThatThrownBy(() -> users.putAll(Map.of(1L, "new", 5L, "five")))
          .isInstanceOf(CacheWriteException.class);
      assertThatThrownBy(() -> users.put(6L, "six", Duration.ofMinutes(1)))
          .isInstanceOf(CacheWriteException.class);

      assertThat(memory.getIfPresent(1L)).isEqualTo("old");
      assertThat(memory.getAllPresent(List.of(5L, 6L))).isEmpty();
      table.unblockWrites();
      assertThat(table.rows()).containsExactly(Map.entry(1L, "old"));
    }
  }

  @Test
  void uncheckedWriterFailuresReachTheCallerUnwrappedAndDeletesKeepTheCache() {
    IllegalStateException failure = new IllegalStateException("read-only replica");
    CacheWriter<String, String> broken =
        new CacheWriter<>() {
          @Override
          public void write(String key, String value) {
            throw failure;
          }

          @Override
          public void delete(String key) throws IOException {
            throw new IOException("disk full");
          }
        };
    InMemoryCache<String, String> memory = new InMemoryCache<>("c");
    memory.put("k", "cached");
    WriteThroughCache<String, String> cache = WriteThroughCache.builder(memory, broken).build();

    assertThatThrownBy(() -> cache.put("k", "v")).isSameAs(failure);
    assertThatThrownBy(() -> cache.delete("k"))
        .isInstanceOf(CacheWriteException.class)
        .hasRootCauseMessage("disk full");
    assertThat(memory.getIfPresent("k")).isEqualTo("cached");
  }

  @Test
  void badInputIsRejectedBeforeTheWriterIsCalled() {
    DecoratorContractTest.MapWriter writer = new DecoratorContractTest.MapWriter();
    WriteThroughCache<String, String> cache =
        WriteThroughCache.builder(new InMemoryCache<String, String>("c"), writer).build();

    assertThatThrownBy(() -> cache.put(null, "v")).hasMessage("key must not be null");
    assertThatThrownBy(() -> cache.put("k", null)).hasMessage("value must not be null");
    assertThatThrownBy(() -> cache.put("k", "v", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ttl must be positive but was PT0S");
    assertThatThrownBy(() -> cache.delete(null)).hasMessage("key must not be null");
    assertThatThrownBy(() -> cache.deleteAll(null)).hasMessage("keys must not be null");
    assertThat(writer.rows).isEmpty();
  }
}
