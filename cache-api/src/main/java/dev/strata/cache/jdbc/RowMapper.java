package dev.strata.cache.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Turns the current row of a query of a {@link JdbcCacheStore} into a value. The row holds the key
 * column and the value columns, readable by name.
 *
 * @param <V> the value type
 */
@FunctionalInterface
public interface RowMapper<V> {

  /**
   * Reads the value of the current row; must not move the cursor.
   *
   * @param row the result set, positioned on the row
   * @return the value; not null
   * @throws SQLException if a column cannot be read
   */
  V map(ResultSet row) throws SQLException;
}
