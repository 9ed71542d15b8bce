/**
 * The in-process Strata cache on Caffeine.
 *
 * <p>{@link dev.strata.cache.local.LocalCache} is a {@link dev.strata.cache.Cache} kept in this
 * JVM's heap, built with {@link dev.strata.cache.local.LocalCache#builder()}: bounded by entry
 * count or weight, expiring entries by the {@link dev.strata.cache.TtlPolicy} (per-entry TTL,
 * jitter, negative caching), optionally refreshing entries ahead of expiry, and reporting evictions
 * to an {@link dev.strata.cache.local.EvictionListener}.
 *
 * <p>Everything in this package is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.strata.cache.local;

import org.jspecify.annotations.NullMarked;
