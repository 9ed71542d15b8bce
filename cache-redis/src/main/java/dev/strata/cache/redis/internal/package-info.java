/**
 * Implementation classes of the Redis cache module. Not part of the public API: users never need
 * these types, and they may change without notice.
 */
@NullMarked
package dev.strata.cache.redis.internal;

import org.jspecify.annotations.NullMarked;
