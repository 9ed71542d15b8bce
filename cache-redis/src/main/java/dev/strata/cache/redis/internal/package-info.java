/**
 * Implementation of the Redis cache: the stored value format, key layout, and the guarded Redis
 * calls (circuit breaker, timeouts, degradation). Not an API: users never need these classes and
 * they may change without notice.
 */
@NullMarked
package dev.strata.cache.redis.internal;

import org.jspecify.annotations.NullMarked;
