/**
 * Redis access shared by every Redis-backed Strata module.
 *
 * <ul>
 *   <li>{@link dev.strata.redis.RedisSettings}: the one connection policy (standalone, Sentinel or
 *       Cluster; TLS, credentials, timeouts, topology refresh, bounded request queue, TCP
 *       keepalive), an immutable object made by a fluent builder;
 *   <li>{@link dev.strata.redis.RedisConnector}: opens the connections components need, on a client
 *       it creates from settings or on a client the application owns;
 *   <li>{@link dev.strata.redis.KeyNamespace}: the key layout that gives every component its own
 *       sub-space under the application's key prefix;
 *   <li>{@link dev.strata.redis.RedisUris}: parsing and secret-free rendering of Redis URIs;
 *   <li>{@link dev.strata.redis.LogThrottle}: the rate limit of repetitive log lines.
 * </ul>
 *
 * <p>The layout of keys and the connection settings are documented in {@code docs/redis.md}.
 */
@NullMarked
package dev.strata.redis;

import org.jspecify.annotations.NullMarked;
