/**
 * Real infrastructure for tests: private {@code redis-server} processes ({@link
 * dev.strata.testsupport.RedisServer}), local Redis Clusters ({@link
 * dev.strata.testsupport.RedisCluster}), JUnit Jupiter extensions that start, flush and inject
 * them, fault injection (pause, suspend, kill, restart, failover, slot migration) and JDBC data
 * sources for H2 and PostgreSQL ({@link dev.strata.testsupport.TestDatabases}).
 */
@NullMarked
package dev.strata.testsupport;

import org.jspecify.annotations.NullMarked;
