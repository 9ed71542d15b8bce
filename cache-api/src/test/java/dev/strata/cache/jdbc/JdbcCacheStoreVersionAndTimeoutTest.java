package dev.strata.cache.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JdbcCacheStoreVersionAndTimeoutTest {

  private static JdbcCacheStore<Long, String> store(TestDatabase db, String table) {
    return JdbcCacheStore.builder(db.dataSource(), Long.class, String.class)
        .table(table)
        .valueColumns("val")
        .versionColumn("version")
        .build();
  }

  private static Map<Long, String> rows(TestDatabase db, String table) throws SQLException {
    Map<Long, String> rows = new TreeMap<>();
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement st = c.prepareStatement("SELECT id, val, version FROM " + table);
        ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        rows.put(rs.getLong(1), rs.getString(2) + "@" + rs.getLong(3));
      }
    }
    return rows;
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void aSequencedWriteOlderThanTheRowIsRefused(TestDatabase db) throws Exception {
    String table = db.createTable("val VARCHAR(100), version BIGINT");
    try {
      JdbcCacheStore<Long, String> store = store(db, table);
      store.writeAllSequenced(Map.of(1L, "five", 2L, "two"), Map.of(1L, 5L, 2L, 2L));
      store.writeAllSequenced(Map.of(1L, "three", 2L, "seven"), Map.of(1L, 3L, 2L, 7L));
      store.writeAllSequenced(Map.of(3L, "new"), Map.of(3L, 1L));
      assertThat(rows(db, table))
          .containsExactly(
              Map.entry(1L, "five@5"), Map.entry(2L, "seven@7"), Map.entry(3L, "new@1"));

      store.deleteAllSequenced(Map.of(1L, 4L, 2L, 8L));
      assertThat(rows(db, table))
          .as("a delete older than the row is refused, a newer one applied")
          .containsOnlyKeys(1L, 3L);
      store.write(3L, "plain");
      assertThat(rows(db, table)).containsEntry(3L, "plain@1");
    } finally {
      db.dropTable(table);
    }
  }

  @Test
  void sequencedWritesNeedAVersionColumnAndSettingsAreChecked() {
    JdbcCacheStore<Long, String> plain =
        JdbcCacheStore.builder(TestDatabase.H2.dataSource(), Long.class, String.class)
            .table("t")
            .valueColumns("val")
            .build();
    assertThatThrownBy(() -> plain.writeAllSequenced(Map.of(1L, "x"), Map.of(1L, 1L)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("versionColumn");
    assertThatThrownBy(
            () ->
                JdbcCacheStore.builder(TestDatabase.H2.dataSource(), Long.class, String.class)
                    .table("t")
                    .valueColumns("val")
                    .versionColumn("val")
                    .build())
        .hasMessage("versionColumn must differ from the key and value columns but was 'val'");
    assertThatThrownBy(
            () ->
                JdbcCacheStore.builder(TestDatabase.H2.dataSource(), Long.class, String.class)
                    .table("t")
                    .valueColumns("val")
                    .queryTimeout(Duration.ZERO)
                    .build())
        .hasMessageContaining("queryTimeout must be positive")
        .hasMessageContaining("PT0S");
  }

  @Test
  void aWriteToALockedRowFailsAfterTheQueryTimeoutInsteadOfHanging() throws Exception {
    TestDatabase db = TestDatabase.POSTGRESQL;
    String table = db.createTable("val VARCHAR(100), version BIGINT");
    try {
      JdbcCacheStore<Long, String> store =
          JdbcCacheStore.builder(db.dataSource(), Long.class, String.class)
              .table(table)
              .valueColumns("val")
              .queryTimeout(Duration.ofSeconds(1))
              .build();
      store.write(1L, "before");
      try (Connection holder = db.dataSource().getConnection()) {
        holder.setAutoCommit(false);
        try (Statement lock = holder.createStatement()) {
          lock.execute("SELECT * FROM " + table + " WHERE id = 1 FOR UPDATE");
          assertTimeoutPreemptively(
              Duration.ofSeconds(30),
              () ->
                  assertThatThrownBy(() -> store.writeAll(Map.of(1L, "blocked")))
                      .isInstanceOf(SQLException.class)
                      .hasMessageContaining("cancel"));
        } finally {
          holder.rollback();
        }
      }
      assertThat(store.load(1L)).isEqualTo("before");
    } finally {
      db.dropTable(table);
    }
  }
}
