package dev.strata.cache.jdbc;

import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;

/** The upsert statement of a database: how a {@link JdbcCacheStore} inserts or replaces a row. */
public enum SqlDialect {
  /** PostgreSQL: {@code INSERT ... ON CONFLICT (key) DO UPDATE SET ...}. */
  POSTGRESQL {
    @Override
    String upsert(String table, String keyColumn, List<String> valueColumns) {
      return "INSERT INTO "
          + table
          + " ("
          + keyColumn
          + ", "
          + String.join(", ", valueColumns)
          + ") VALUES ("
          + placeholders(valueColumns.size() + 1)
          + ") ON CONFLICT ("
          + keyColumn
          + ") DO UPDATE SET "
          + valueColumns.stream()
              .map(c -> c + " = EXCLUDED." + c)
              .collect(Collectors.joining(", "));
    }

    @Override
    String versionedUpsert(
        String table, String keyColumn, List<String> valueColumns, String versionColumn) {
      return "INSERT INTO "
          + table
          + " AS t ("
          + keyColumn
          + ", "
          + String.join(", ", valueColumns)
          + ", "
          + versionColumn
          + ") VALUES ("
          + placeholders(valueColumns.size() + 2)
          + ") ON CONFLICT ("
          + keyColumn
          + ") DO UPDATE SET "
          + valueColumns.stream().map(c -> c + " = EXCLUDED." + c).collect(Collectors.joining(", "))
          + ", "
          + versionColumn
          + " = EXCLUDED."
          + versionColumn
          + " WHERE t."
          + versionColumn
          + " IS NULL OR t."
          + versionColumn
          + " < EXCLUDED."
          + versionColumn;
    }
  },
  /** H2: {@code MERGE INTO ... KEY (key) VALUES ...}. */
  H2 {
    @Override
    String upsert(String table, String keyColumn, List<String> valueColumns) {
      return "MERGE INTO "
          + table
          + " ("
          + keyColumn
          + ", "
          + String.join(", ", valueColumns)
          + ") KEY ("
          + keyColumn
          + ") VALUES ("
          + placeholders(valueColumns.size() + 1)
          + ")";
    }
  };

  /**
   * Returns the upsert statement of a row: the key first, then the value columns in order.
   *
   * @param table a validated table name
   * @param keyColumn a validated column name
   * @param valueColumns validated column names
   * @return the SQL with {@code valueColumns.size() + 1} parameters
   */
  abstract String upsert(String table, String keyColumn, List<String> valueColumns);

  /**
   * Returns a single-statement upsert that only replaces a row holding an older version: key, value
   * columns, version. Only PostgreSQL has one; others use {@link #versionedUpdate} and {@link
   * #insert}.
   */
  String versionedUpsert(
      String table, String keyColumn, List<String> valueColumns, String versionColumn) {
    throw new UnsupportedOperationException("no single-statement versioned upsert for " + this);
  }

  /**
   * {@code UPDATE} of values and version where the row's version is older: values, version, key,
   * version.
   */
  static String versionedUpdate(
      String table, String keyColumn, List<String> valueColumns, String versionColumn) {
    return "UPDATE "
        + table
        + " SET "
        + valueColumns.stream().map(c -> c + " = ?").collect(Collectors.joining(", "))
        + ", "
        + versionColumn
        + " = ? WHERE "
        + keyColumn
        + " = ? AND ("
        + versionColumn
        + " IS NULL OR "
        + versionColumn
        + " < ?)";
  }

  /** {@code DELETE} of a row whose version is not newer: key, version. */
  static String versionedDelete(String table, String keyColumn, String versionColumn) {
    return "DELETE FROM "
        + table
        + " WHERE "
        + keyColumn
        + " = ? AND ("
        + versionColumn
        + " IS NULL OR "
        + versionColumn
        + " <= ?)";
  }

  /** Plain {@code INSERT} of key, values and version. */
  static String insert(
      String table, String keyColumn, List<String> valueColumns, String versionColumn) {
    return "INSERT INTO "
        + table
        + " ("
        + keyColumn
        + ", "
        + String.join(", ", valueColumns)
        + ", "
        + versionColumn
        + ") VALUES ("
        + placeholders(valueColumns.size() + 2)
        + ")";
  }

  /**
   * Returns the dialect of the database that {@code metaData} describes.
   *
   * @param metaData the metadata of a connection
   * @return the dialect
   * @throws SQLException if the metadata cannot be read
   * @throws IllegalStateException if the database has no supported dialect
   */
  public static SqlDialect detect(DatabaseMetaData metaData) throws SQLException {
    String product = metaData.getDatabaseProductName();
    if ("PostgreSQL".equalsIgnoreCase(product)) {
      return POSTGRESQL;
    }
    if ("H2".equalsIgnoreCase(product)) {
      return H2;
    }
    throw new IllegalStateException(
        "no upsert dialect for database '" + product + "'; supported: POSTGRESQL, H2");
  }

  static String placeholders(int count) {
    return String.join(", ", java.util.Collections.nCopies(count, "?"));
  }
}
