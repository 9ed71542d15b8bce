/**
 * Invalidation of cached entries across caches and processes: by events ({@link
 * dev.strata.cache.invalidation.InvalidationBus}, in one JVM {@link
 * dev.strata.cache.invalidation.LocalInvalidationBus}, applied to a cache by {@link
 * dev.strata.cache.invalidation.InvalidationBroadcastingCache}) and by versions ({@link
 * dev.strata.cache.invalidation.VersionStore}, {@link
 * dev.strata.cache.invalidation.InMemoryVersionStore}, applied by {@link
 * dev.strata.cache.invalidation.VersionedCache}).
 */
@NullMarked
package dev.strata.cache.invalidation;

import org.jspecify.annotations.NullMarked;
