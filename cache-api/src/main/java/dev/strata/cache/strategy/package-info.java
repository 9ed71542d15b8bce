/**
 * Caching strategies as decorators over any {@link dev.strata.cache.Cache}: {@link
 * dev.strata.cache.strategy.CacheAside cache-aside}, {@link
 * dev.strata.cache.strategy.ReadThroughCache read-through} (with optional refresh-ahead), {@link
 * dev.strata.cache.strategy.WriteThroughCache write-through} and {@link
 * dev.strata.cache.strategy.WriteBehindCache write-behind}.
 */
@NullMarked
package dev.strata.cache.strategy;

import org.jspecify.annotations.NullMarked;
