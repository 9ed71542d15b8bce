/**
 * Micrometer metrics of Strata caches: {@link dev.strata.cache.metrics.CacheMetrics} for any {@link
 * dev.strata.cache.Cache} and {@link dev.strata.cache.metrics.WriteBehindMetrics} for the queue of
 * a {@link dev.strata.cache.strategy.WriteBehindCache}. Micrometer is an optional dependency: only
 * this package needs it.
 */
@NullMarked
package dev.strata.cache.metrics;

import org.jspecify.annotations.NullMarked;
