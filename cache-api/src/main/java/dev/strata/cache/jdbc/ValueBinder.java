package dev.strata.cache.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Sets the value columns of a {@link JdbcCacheStore} write: the parameters {@code first}, {@code
 * first + 1}, ... in the order the value columns were configured.
 *
 * @param <V> the value type
 */
@FunctionalInterface
public interface ValueBinder<V> {

  /**
   * Binds the columns of {@code value}.
   *
   * @param statement the upsert statement
   * @param first the index of the first value column's parameter
   * @param value the value to write; not null
   * @throws SQLException if a parameter cannot be set
   */
  void bind(PreparedStatement statement, int first, V value) throws SQLException;
}
