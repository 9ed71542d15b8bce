/**
 * A {@link dev.strata.cache.CacheLoader} and {@link dev.strata.cache.CacheWriter} over any JDBC
 * {@link javax.sql.DataSource}, for the common case of a table keyed by id: {@link
 * dev.strata.cache.jdbc.JdbcCacheStore}.
 */
@NullMarked
package dev.strata.cache.jdbc;

import org.jspecify.annotations.NullMarked;
