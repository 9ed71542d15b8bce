package dev.strata.cache.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class JdbcCacheStoreTest {

  record User(String name, int age) {}

  private final List<Runnable> cleanup = new ArrayList<>();

  @AfterEach
  void dropTables() {
    cleanup.forEach(Runnable::run);
  }

  private String table(TestDatabase db, String columns) throws SQLException {
    String table = db.createTable(columns);
    cleanup.add(
        () -> {
          try {
            db.dropTable(table);
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        });
    return table;
  }

  private JdbcCacheStore<Long, String> stringStore(TestDatabase db, String table, int chunk) {
    return JdbcCacheStore.builder(db.dataSource(), Long.class, String.class)
        .table(table)
        .keyColumn("id")
        .valueColumns("val")
        .maxKeysPerStatement(chunk)
        .build();
  }

  private static Map<Long, String> rows(DataSource ds, String table) throws SQLException {
    Map<Long, String> rows = new TreeMap<>();
    try (Connection c = ds.getConnection();
        PreparedStatement st = c.prepareStatement("SELECT id, val FROM " + table);
        ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        rows.put(rs.getLong(1), rs.getString(2));
      }
    }
    return rows;
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void detectsTheUpsertDialect(TestDatabase db) throws Exception {
    String table = table(db, "val VARCHAR(50)");

    assertThat(stringStore(db, table, 500).dialect()).isEqualTo(SqlDialect.valueOf(db.name()));
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void writeAllInsertsAndThenReplacesRows(TestDatabase db) throws Exception {
    String table = table(db, "val VARCHAR(50)");
    JdbcCacheStore<Long, String> store = stringStore(db, table, 500);

    store.writeAll(Map.of(1L, "one", 2L, "two"));
    store.writeAll(Map.of(2L, "TWO", 3L, "three"));
    store.write(4L, "four");

    assertThat(rows(db.dataSource(), table))
        .containsExactly(
            Map.entry(1L, "one"),
            Map.entry(2L, "TWO"),
            Map.entry(3L, "three"),
            Map.entry(4L, "four"));
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void loadReturnsTheRowOrNull(TestDatabase db) throws Exception {
    String table = table(db, "val VARCHAR(50)");
    JdbcCacheStore<Long, String> store = stringStore(db, table, 500);
    store.write(7L, "seven");

    assertThat(store.load(7L)).isEqualTo("seven");
    assertThat(store.load(8L)).isNull();
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void loadAllQueriesInChunksAndLeavesOutMissingKeys(TestDatabase db) throws Exception {
    String table = table(db, "val VARCHAR(50)");
    JdbcCacheStore<Long, String> store = stringStore(db, table, 3);
    Map<Long, String> stored = new HashMap<>();
    for (long id = 1; id <= 10; id++) {
      stored.put(id, "v" + id);
    }
    store.writeAll(stored);
    Set<Long> asked = new LinkedHashSet<>();
    for (long id = 0; id <= 12; id++) {
      asked.add(id);
    }

    assertThat(store.loadAll(asked)).isEqualTo(stored);
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void deleteAllRemovesRowsInChunksAndIgnoresMissingOnes(TestDatabase db) throws Exception {
    String table = table(db, "val VARCHAR(50)");
    JdbcCacheStore<Long, String> store = stringStore(db, table, 2);
    store.writeAll(Map.of(1L, "a", 2L, "b", 3L, "c", 4L, "d", 5L, "e"));

    store.deleteAll(List.of(1L, 2L, 3L, 99L));
    store.delete(5L);
    store.delete(5L);

    assertThat(rows(db.dataSource(), table)).containsExactly(Map.entry(4L, "d"));
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void aFailingBatchLeavesNoRowBehind(TestDatabase db) throws Exception {
    String table = table(db, "val VARCHAR(5)");
    JdbcCacheStore<Long, String> store = stringStore(db, table, 500);
    store.write(1L, "old");
    Map<Long, String> batch = new TreeMap<>();
    batch.put(1L, "new");
    batch.put(2L, "fine");
    batch.put(3L, "far too long for five");

    assertThatThrownBy(() -> store.writeAll(batch)).isInstanceOf(SQLException.class);

    assertThat(rows(db.dataSource(), table)).containsExactly(Map.entry(1L, "old"));
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void severalValueColumnsUseTheMapperAndBinder(TestDatabase db) throws Exception {
    String table = table(db, "name VARCHAR(50), age INT");
    JdbcCacheStore<Long, User> store =
        JdbcCacheStore.builder(db.dataSource(), Long.class, User.class)
            .table(table)
            .valueColumns("name", "age")
            .rowMapper(row -> new User(row.getString("name"), row.getInt("age")))
            .valueBinder(
                (st, first, user) -> {
                  st.setString(first, user.name());
                  st.setInt(first + 1, user.age());
                })
            .build();

    store.writeAll(Map.of(1L, new User("ada", 36), 2L, new User("alan", 41)));
    store.write(1L, new User("ada", 37));

    assertThat(store.load(1L)).isEqualTo(new User("ada", 37));
    assertThat(store.loadAll(Set.of(1L, 2L, 3L)))
        .containsOnly(Map.entry(1L, new User("ada", 37)), Map.entry(2L, new User("alan", 41)));
  }

  @Test
  void configuredDialectIsUsedWithoutAskingTheDatabase() throws Exception {
    JdbcCacheStore<Long, String> store =
        JdbcCacheStore.builder(TestDatabase.H2.dataSource(), Long.class, String.class)
            .table("t")
            .valueColumns("val")
            .dialect(SqlDialect.POSTGRESQL)
            .build();

    assertThat(store.dialect()).isEqualTo(SqlDialect.POSTGRESQL);
  }

  @Test
  void upsertStatementsOfEachDialect() {
    assertThat(SqlDialect.POSTGRESQL.upsert("t", "id", List.of("a", "b")))
        .isEqualTo(
            "INSERT INTO t (id, a, b) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                + " a = EXCLUDED.a, b = EXCLUDED.b");
    assertThat(SqlDialect.H2.upsert("s.t", "id", List.of("a")))
        .isEqualTo("MERGE INTO s.t (id, a) KEY (id) VALUES (?, ?)");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "users; DROP TABLE users",
        "users--",
        "\"users\"",
        "a.b.c",
        "1users",
        "",
        "us ers",
        "users/*x*/"
      })
  void tableNamesThatAreNotPlainIdentifiersAreRejected(String table) {
    assertThatThrownBy(
            () ->
                JdbcCacheStore.builder(TestDatabase.H2.dataSource(), Long.class, String.class)
                    .table(table)
                    .valueColumns("val")
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("table must be an SQL identifier")
        .hasMessageContaining("'" + table + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"id = 1 OR 1=1", "val,other", "x.y", "a-b"})
  void columnNamesThatAreNotPlainIdentifiersAreRejected(String column) {
    assertThatThrownBy(
            () ->
                JdbcCacheStore.builder(TestDatabase.H2.dataSource(), Long.class, String.class)
                    .table("t")
                    .keyColumn(column)
                    .valueColumns("val")
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "keyColumn must be an SQL identifier (letters, digits, '_') but was '%s'", column);
    assertThatThrownBy(
            () ->
                JdbcCacheStore.builder(TestDatabase.H2.dataSource(), Long.class, String.class)
                    .table("t")
                    .valueColumns("ok", column)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("valueColumns must be an SQL identifier");
  }

  @Test
  void badConfigurationIsRejectedWithAMessageNamingTheSetting() {
    DataSource ds = TestDatabase.H2.dataSource();

    assertThatThrownBy(() -> JdbcCacheStore.builder(ds, Long.class, String.class).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("table must be set");
    assertThatThrownBy(
            () -> JdbcCacheStore.builder(ds, Long.class, String.class).table("t").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("valueColumns must name at least one column");
    assertThatThrownBy(
            () ->
                JdbcCacheStore.builder(ds, Long.class, String.class)
                    .table("t")
                    .valueColumns("a", "ID")
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("valueColumns must not repeat a column or the key column but had 'ID'");
    assertThatThrownBy(
            () ->
                JdbcCacheStore.builder(ds, Long.class, User.class)
                    .table("t")
                    .valueColumns("name", "age")
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rowMapper must be set when there are several valueColumns [name, age]");
    assertThatThrownBy(
            () ->
                JdbcCacheStore.builder(ds, Long.class, String.class)
                    .table("t")
                    .valueColumns("val")
                    .maxKeysPerStatement(0)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxKeysPerStatement must be in [1, 10000] but was 0");
    assertThatThrownBy(() -> JdbcCacheStore.builder(null, Long.class, String.class))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("dataSource must not be null");
  }

  @Test
  void unknownDatabasesNeedAConfiguredDialect() {
    assertThatThrownBy(
            () ->
                SqlDialect.detect(
                    (java.sql.DatabaseMetaData)
                        java.lang.reflect.Proxy.newProxyInstance(
                            getClass().getClassLoader(),
                            new Class<?>[] {java.sql.DatabaseMetaData.class},
                            (proxy, method, args) -> "MySQL")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no upsert dialect for database 'MySQL'; supported: POSTGRESQL, H2");
  }
}
