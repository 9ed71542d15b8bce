package dev.strata.cache.jdbc;

import dev.strata.cache.CacheLoader;
import dev.strata.cache.CacheWriter;
import dev.strata.cache.spi.SequencedCacheWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link CacheLoader} and {@link CacheWriter} over one table keyed by id, in plain JDBC: the
 * loader and writer of read-through, write-through and write-behind caches in front of a database.
 *
 * <ul>
 *   <li>{@link #load} runs {@code SELECT key, values... FROM table WHERE key = ?}; {@link #loadAll}
 *       runs {@code WHERE key IN (?, ...)} in chunks of {@code maxKeysPerStatement} keys.
 *   <li>{@link #writeAll} upserts every entry with one {@code executeBatch} in one transaction,
 *       keys in sorted order (when they are {@link Comparable}) so that concurrent batches do not
 *       deadlock: PostgreSQL {@code INSERT ... ON CONFLICT (key) DO UPDATE}, H2 {@code MERGE INTO
 *       ... KEY (key)}. The dialect is detected from the database on first use unless configured.
 *   <li>{@link #deleteAll} runs {@code DELETE ... WHERE key IN (?, ...)} in chunks, in one
 *       transaction.
 * </ul>
 *
 * <p>Table and column names are checked to be plain SQL identifiers (letters, digits, underscores;
 * a table may be schema-qualified) so that no SQL can be smuggled in through them; keys and values
 * always travel as statement parameters. Keys are bound with {@code setObject} and read with {@code
 * getObject(column, keyType)}. A value of one column needs no mapping code; values of several
 * columns need a {@link RowMapper} and a {@link ValueBinder}.
 *
 * <pre>{@code
 * JdbcCacheStore<Long, String> names = JdbcCacheStore.builder(dataSource, Long.class, String.class)
 *     .table("users").keyColumn("id").valueColumns("name")
 *     .build();
 *
 * JdbcCacheStore<Long, User> users = JdbcCacheStore.builder(dataSource, Long.class, User.class)
 *     .table("app.users").keyColumn("id").valueColumns("name", "email")
 *     .rowMapper(row -> new User(row.getString("name"), row.getString("email")))
 *     .valueBinder((st, i, u) -> { st.setString(i, u.name()); st.setString(i + 1, u.email()); })
 *     .build();
 * }</pre>
 *
 * <p>Every statement runs with a query timeout ({@link Builder#queryTimeout}, 30 s by default).
 * With a {@link Builder#versionColumn version column} the store is also a {@link
 * SequencedCacheWriter}: a write carries a sequence and is skipped when the row holds a newer one.
 *
 * <p>Thread-safe: each call takes its own connection from the data source and returns it. A failed
 * write rolls its transaction back and throws the {@link SQLException}; a batch lands or fails as a
 * whole, and repeating it is harmless (upserts, deletes of missing rows), as write-behind retries
 * need.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class JdbcCacheStore<K, V>
    implements CacheLoader<K, V>, CacheWriter<K, V>, SequencedCacheWriter<K, V> {

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
  private static final Pattern TABLE =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}(\\.[A-Za-z_][A-Za-z0-9_]{0,127})?");
  private static final int EXECUTE_EVERY = 1000;

  private final DataSource dataSource;
  private final Class<K> keyType;
  private final String table;
  private final String keyColumn;
  private final List<String> valueColumns;
  private final RowMapper<V> rowMapper;
  private final ValueBinder<V> valueBinder;
  private final int maxKeysPerStatement;
  private final String selectColumns;
  private final JdbcStatements statements;
  private final @Nullable String versionColumn;
  private volatile @Nullable SqlDialect dialect;
  private volatile @Nullable String upsertSql;

  private JdbcCacheStore(Builder<K, V> b, RowMapper<V> rowMapper, ValueBinder<V> valueBinder) {
    this.dataSource = b.dataSource;
    this.keyType = b.keyType;
    this.table = Objects.requireNonNull(b.table);
    this.keyColumn = b.keyColumn;
    this.valueColumns = List.copyOf(b.valueColumns);
    this.rowMapper = rowMapper;
    this.valueBinder = valueBinder;
    this.maxKeysPerStatement = b.maxKeysPerStatement;
    this.dialect = b.dialect;
    this.selectColumns = keyColumn + ", " + String.join(", ", valueColumns);
    this.statements =
        new JdbcStatements(
            b.dataSource, (int) Math.max(1, (b.queryTimeout.toMillis() + 999) / 1000));
    this.versionColumn = b.versionColumn;
  }

  /**
   * Starts a builder.
   *
   * @param dataSource where connections come from (pool it, e.g. with HikariCP)
   * @param keyType the class of keys, as read back with {@code getObject}
   * @param valueType the class of values (read with {@code getObject} when there is one value
   *     column and no row mapper)
   * @param <K> the key type
   * @param <V> the value type
   * @return the builder
   * @throws NullPointerException if an argument is null
   */
  public static <K, V> Builder<K, V> builder(
      DataSource dataSource, Class<K> keyType, Class<V> valueType) {
    return new Builder<>(dataSource, keyType, valueType);
  }

  /**
   * Returns the dialect in use, detecting it from the database if it was not configured.
   *
   * @return the dialect
   * @throws SQLException if the database cannot be reached to detect it
   */
  public SqlDialect dialect() throws SQLException {
    SqlDialect known = dialect;
    if (known == null) {
      try (Connection connection = dataSource.getConnection()) {
        known = SqlDialect.detect(connection.getMetaData());
      }
      dialect = known;
    }
    return known;
  }

  @Override
  public @Nullable V load(K key) throws SQLException {
    Objects.requireNonNull(key, "key must not be null");
    String sql = "SELECT " + selectColumns + " FROM " + table + " WHERE " + keyColumn + " = ?";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = statements.prepare(connection, sql)) {
      statement.setObject(1, key);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? rowMapper.map(rows) : null;
      }
    }
  }

  @Override
  public Map<K, V> loadAll(Set<? extends K> keys) throws SQLException {
    Objects.requireNonNull(keys, "keys must not be null");
    Map<K, V> result = new HashMap<>(Math.max(4, keys.size() * 2));
    if (keys.isEmpty()) {
      return result;
    }
    List<K> list = new ArrayList<>(keys);
    try (Connection connection = dataSource.getConnection()) {
      for (int from = 0; from < list.size(); from += maxKeysPerStatement) {
        List<K> chunk = list.subList(from, Math.min(list.size(), from + maxKeysPerStatement));
        String sql =
            "SELECT "
                + selectColumns
                + " FROM "
                + table
                + " WHERE "
                + keyColumn
                + " IN ("
                + SqlDialect.placeholders(chunk.size())
                + ")";
        try (PreparedStatement statement = statements.prepare(connection, sql)) {
          for (int i = 0; i < chunk.size(); i++) {
            statement.setObject(
                i + 1, Objects.requireNonNull(chunk.get(i), "keys must not contain a null key"));
          }
          try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
              result.put(rows.getObject(keyColumn, keyType), rowMapper.map(rows));
            }
          }
        }
      }
    }
    return result;
  }

  @Override
  public void write(K key, V value) throws SQLException {
    Objects.requireNonNull(key, "key must not be null");
    Objects.requireNonNull(value, "value must not be null");
    writeAll(Map.of(key, value));
  }

  @Override
  public void writeAll(Map<? extends K, ? extends V> entries) throws SQLException {
    Objects.requireNonNull(entries, "entries must not be null");
    if (entries.isEmpty()) {
      return;
    }
    List<K> keys = JdbcStatements.sorted(entries.keySet());
    String sql = upsertSql();
    statements.inTransaction(
        connection -> {
          try (PreparedStatement statement = statements.prepare(connection, sql)) {
            int batched = 0;
            for (K key : keys) {
              V value =
                  Objects.requireNonNull(entries.get(key), "entries must not contain a null value");
              statement.setObject(1, key);
              valueBinder.bind(statement, 2, value);
              statement.addBatch();
              if (++batched % EXECUTE_EVERY == 0) {
                statement.executeBatch();
              }
            }
            if (batched % EXECUTE_EVERY != 0) {
              statement.executeBatch();
            }
          }
        });
  }

  @Override
  public void delete(K key) throws SQLException {
    Objects.requireNonNull(key, "key must not be null");
    deleteAll(List.of(key));
  }

  @Override
  public void deleteAll(Collection<? extends K> keys) throws SQLException {
    Objects.requireNonNull(keys, "keys must not be null");
    if (keys.isEmpty()) {
      return;
    }
    List<K> list = JdbcStatements.sorted(new LinkedHashSet<>(keys));
    statements.inTransaction(
        connection -> {
          for (int from = 0; from < list.size(); from += maxKeysPerStatement) {
            List<K> chunk = list.subList(from, Math.min(list.size(), from + maxKeysPerStatement));
            String sql =
                "DELETE FROM "
                    + table
                    + " WHERE "
                    + keyColumn
                    + " IN ("
                    + SqlDialect.placeholders(chunk.size())
                    + ")";
            try (PreparedStatement statement = statements.prepare(connection, sql)) {
              for (int i = 0; i < chunk.size(); i++) {
                statement.setObject(i + 1, chunk.get(i));
              }
              statement.executeUpdate();
            }
          }
        });
  }

  @Override
  public String toString() {
    return "JdbcCacheStore[" + table + "." + keyColumn + " -> " + valueColumns + "]";
  }

  /**
   * Writes each entry whose sequence is newer than the one in the version column, in one
   * transaction (PostgreSQL: one {@code INSERT ... ON CONFLICT DO UPDATE ... WHERE version <
   * EXCLUDED.version} batch; H2: a conditional {@code UPDATE}, then an {@code INSERT} of rows that
   * do not exist). A write whose row holds a newer version is skipped: a newer write was applied.
   *
   * @throws IllegalStateException if no {@code versionColumn} was configured
   */
  @Override
  public void writeAllSequenced(
      Map<? extends K, ? extends V> entries, Map<? extends K, Long> sequences) throws SQLException {
    Objects.requireNonNull(entries, "entries must not be null");
    Objects.requireNonNull(sequences, "sequences must not be null");
    String version = requireVersionColumn();
    if (entries.isEmpty()) {
      return;
    }
    List<K> keys = JdbcStatements.sorted(entries.keySet());
    SqlDialect known = dialect();
    statements.inTransaction(
        connection -> {
          if (known == SqlDialect.POSTGRESQL) {
            String sql = known.versionedUpsert(table, keyColumn, valueColumns, version);
            try (PreparedStatement statement = statements.prepare(connection, sql)) {
              for (K key : keys) {
                int next = bindRow(statement, key, entries.get(key));
                statement.setLong(next, JdbcStatements.sequenceOf(sequences, key));
                statement.addBatch();
              }
              statement.executeBatch();
            }
            return;
          }
          String update = SqlDialect.versionedUpdate(table, keyColumn, valueColumns, version);
          String insert = SqlDialect.insert(table, keyColumn, valueColumns, version);
          try (PreparedStatement updating = statements.prepare(connection, update);
              PreparedStatement inserting = statements.prepare(connection, insert)) {
            for (K key : keys) {
              V value =
                  Objects.requireNonNull(entries.get(key), "entries must not contain a null value");
              long sequence = JdbcStatements.sequenceOf(sequences, key);
              valueBinder.bind(updating, 1, value);
              updating.setLong(valueColumns.size() + 1, sequence);
              updating.setObject(valueColumns.size() + 2, key);
              updating.setLong(valueColumns.size() + 3, sequence);
              if (updating.executeUpdate() == 0
                  && !statements.exists(connection, table, keyColumn, key)) {
                int next = bindRow(inserting, key, value);
                inserting.setLong(next, sequence);
                inserting.executeUpdate();
              }
            }
          }
        });
  }

  /**
   * Deletes each key whose version column is not newer than the given sequence, in one transaction.
   * A later write of an older sequence (from a stale writer) can re-create a deleted row: the row,
   * and its version, are gone.
   *
   * @throws IllegalStateException if no {@code versionColumn} was configured
   */
  @Override
  public void deleteAllSequenced(Map<? extends K, Long> sequences) throws SQLException {
    Objects.requireNonNull(sequences, "sequences must not be null");
    String version = requireVersionColumn();
    if (sequences.isEmpty()) {
      return;
    }
    List<K> keys = JdbcStatements.sorted(sequences.keySet());
    String sql = SqlDialect.versionedDelete(table, keyColumn, version);
    statements.inTransaction(
        connection -> {
          try (PreparedStatement statement = statements.prepare(connection, sql)) {
            for (K key : keys) {
              statement.setObject(1, key);
              statement.setLong(2, JdbcStatements.sequenceOf(sequences, key));
              statement.addBatch();
            }
            statement.executeBatch();
          }
        });
  }

  private String requireVersionColumn() {
    String version = versionColumn;
    if (version == null) {
      throw new IllegalStateException(
          "sequenced writes need a versionColumn; none is configured for " + this);
    }
    return version;
  }

  private int bindRow(PreparedStatement statement, K key, @Nullable V value) throws SQLException {
    statement.setObject(1, key);
    valueBinder.bind(
        statement, 2, Objects.requireNonNull(value, "entries must not contain a null value"));
    return valueColumns.size() + 2;
  }

  private String upsertSql() throws SQLException {
    String sql = upsertSql;
    if (sql == null) {
      sql = dialect().upsert(table, keyColumn, valueColumns);
      upsertSql = sql;
    }
    return sql;
  }

  /**
   * Builds a {@link JdbcCacheStore}; validated in {@link #build()}. Not thread-safe.
   *
   * @param <K> the key type
   * @param <V> the value type
   */
  public static final class Builder<K, V> {
    private final DataSource dataSource;
    private final Class<K> keyType;
    private final Class<V> valueType;
    private @Nullable String table;
    private String keyColumn = "id";
    private List<String> valueColumns = List.of();
    private @Nullable RowMapper<V> rowMapper;
    private @Nullable ValueBinder<V> valueBinder;
    private @Nullable SqlDialect dialect;
    private int maxKeysPerStatement = 500;
    private Duration queryTimeout = Duration.ofSeconds(30);
    private @Nullable String versionColumn;

    private Builder(DataSource dataSource, Class<K> keyType, Class<V> valueType) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource must not be null");
      this.keyType = Objects.requireNonNull(keyType, "keyType must not be null");
      this.valueType = Objects.requireNonNull(valueType, "valueType must not be null");
    }

    /**
     * Sets the table; required.
     *
     * @param table an SQL identifier, optionally schema-qualified ({@code app.users})
     * @return this builder
     */
    public Builder<K, V> table(String table) {
      this.table = table;
      return this;
    }

    /**
     * Sets the key column, which must be the table's primary key (or unique); {@code id} by
     * default.
     *
     * @param keyColumn an SQL identifier
     * @return this builder
     */
    public Builder<K, V> keyColumn(String keyColumn) {
      this.keyColumn = keyColumn;
      return this;
    }

    /**
     * Sets the value columns; at least one is required.
     *
     * @param valueColumns SQL identifiers, in the order the binder sets them
     * @return this builder
     */
    public Builder<K, V> valueColumns(String... valueColumns) {
      this.valueColumns = Arrays.asList(valueColumns.clone());
      return this;
    }

    /**
     * Sets how a row becomes a value; required with several value columns.
     *
     * @param rowMapper the mapper
     * @return this builder
     */
    public Builder<K, V> rowMapper(RowMapper<V> rowMapper) {
      this.rowMapper = rowMapper;
      return this;
    }

    /**
     * Sets how a value becomes column parameters; required with several value columns.
     *
     * @param valueBinder the binder
     * @return this builder
     */
    public Builder<K, V> valueBinder(ValueBinder<V> valueBinder) {
      this.valueBinder = valueBinder;
      return this;
    }

    /**
     * Sets the upsert dialect instead of detecting it from the database on first write.
     *
     * @param dialect the dialect, or {@code null} to detect
     * @return this builder
     */
    public Builder<K, V> dialect(@Nullable SqlDialect dialect) {
      this.dialect = dialect;
      return this;
    }

    /**
     * Sets the most keys in one {@code IN (...)} list of a bulk load or delete; 500 by default.
     *
     * @param maxKeysPerStatement a number from 1 to 10,000
     * @return this builder
     */
    public Builder<K, V> maxKeysPerStatement(int maxKeysPerStatement) {
      this.maxKeysPerStatement = maxKeysPerStatement;
      return this;
    }

    /**
     * Sets the longest one statement may run before the driver cancels it and the call fails with
     * an {@link SQLException} ({@code Statement.setQueryTimeout}, whole seconds, rounded up); 30 s
     * by default, so a hung database cannot hang a write-behind flusher or its {@code close}.
     *
     * @param queryTimeout a positive duration of at most {@link Integer#MAX_VALUE} seconds
     * @return this builder
     */
    public Builder<K, V> queryTimeout(Duration queryTimeout) {
      this.queryTimeout = queryTimeout;
      return this;
    }

    /**
     * Sets a {@code BIGINT} column that holds the sequence of the write that last changed the row,
     * for {@link #writeAllSequenced} and {@link #deleteAllSequenced} (used by write-behind queues
     * that number writes, so that an older write never overwrites a newer one); none by default.
     * Plain {@link #writeAll} leaves the column unchanged.
     *
     * @param versionColumn an SQL identifier, or {@code null} for none
     * @return this builder
     */
    public Builder<K, V> versionColumn(@Nullable String versionColumn) {
      this.versionColumn = versionColumn;
      return this;
    }

    /**
     * Validates the settings and builds the store. Does not touch the database.
     *
     * @return the store
     * @throws IllegalArgumentException naming the setting that is missing, malformed or out of
     *     range
     */
    public JdbcCacheStore<K, V> build() {
      if (table == null) {
        throw new IllegalArgumentException("table must be set");
      }
      if (!TABLE.matcher(table).matches()) {
        throw new IllegalArgumentException(
            "table must be an SQL identifier (letters, digits, '_', optionally schema.table) but"
                + " was '"
                + table
                + "'");
      }
      requireIdentifier("keyColumn", keyColumn);
      if (valueColumns.isEmpty()) {
        throw new IllegalArgumentException("valueColumns must name at least one column");
      }
      Set<String> seen = new LinkedHashSet<>();
      seen.add(keyColumn.toLowerCase(java.util.Locale.ROOT));
      for (String column : valueColumns) {
        requireIdentifier("valueColumns", column);
        if (!seen.add(column.toLowerCase(java.util.Locale.ROOT))) {
          throw new IllegalArgumentException(
              "valueColumns must not repeat a column or the key column but had '" + column + "'");
        }
      }
      if (versionColumn != null) {
        requireIdentifier("versionColumn", versionColumn);
        if (!seen.add(versionColumn.toLowerCase(java.util.Locale.ROOT))) {
          throw new IllegalArgumentException(
              "versionColumn must differ from the key and value columns but was '"
                  + versionColumn
                  + "'");
        }
      }
      Objects.requireNonNull(queryTimeout, "queryTimeout must not be null");
      if (queryTimeout.isZero()
          || queryTimeout.isNegative()
          || queryTimeout.getSeconds() >= Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "queryTimeout must be positive and at most Integer.MAX_VALUE seconds but was "
                + queryTimeout);
      }
      if (maxKeysPerStatement < 1 || maxKeysPerStatement > 10_000) {
        throw new IllegalArgumentException(
            "maxKeysPerStatement must be in [1, 10000] but was " + maxKeysPerStatement);
      }
      RowMapper<V> mapper = rowMapper;
      ValueBinder<V> binder = valueBinder;
      if (valueColumns.size() > 1 && (mapper == null || binder == null)) {
        throw new IllegalArgumentException(
            (mapper == null ? "rowMapper" : "valueBinder")
                + " must be set when there are several valueColumns "
                + valueColumns);
      }
      if (mapper == null) {
        String column = valueColumns.get(0);
        mapper = row -> row.getObject(column, valueType);
      }
      if (binder == null) {
        binder = (statement, first, value) -> statement.setObject(first, value);
      }
      return new JdbcCacheStore<>(this, mapper, binder);
    }

    private static void requireIdentifier(String field, @Nullable String name) {
      if (name == null || !IDENTIFIER.matcher(name).matches()) {
        throw new IllegalArgumentException(
            field + " must be an SQL identifier (letters, digits, '_') but was '" + name + "'");
      }
    }
  }
}
