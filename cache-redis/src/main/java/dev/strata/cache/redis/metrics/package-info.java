/**
 * Micrometer metrics of Redis caches. Micrometer is an optional dependency: this package is only
 * loaded by applications that use it.
 */
@NullMarked
package dev.strata.cache.redis.metrics;

import org.jspecify.annotations.NullMarked;
