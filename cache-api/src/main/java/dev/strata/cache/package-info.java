/**
 * The Strata cache contracts.
 *
 * <p>{@link dev.strata.cache.Cache} (with its {@link dev.strata.cache.AsyncCache} view) is the one
 * interface every Strata cache implements, in process ({@code strata-cache-local}) or shared
 * ({@code strata-cache-redis}). {@link dev.strata.cache.CacheLoader} and {@link
 * dev.strata.cache.CacheWriter} connect a cache to its system of record, {@link
 * dev.strata.cache.TtlPolicy} says how long entries live, and {@link dev.strata.cache.CacheStats}
 * reports what happened. Caching strategies are in {@code dev.strata.cache.strategy}, invalidation
 * in {@code dev.strata.cache.invalidation}, and the building blocks for writing a new cache
 * implementation in {@code dev.strata.cache.spi}.
 *
 * <p>Everything in this package is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.strata.cache;

import org.jspecify.annotations.NullMarked;
