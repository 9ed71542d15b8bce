/**
 * Invalidation of cached entries across caches and processes: by events ({@link
 * dev.strata.cache.invalidation.InvalidationBus}) and by versions ({@link
 * dev.strata.cache.invalidation.VersionStore}).
 */
@NullMarked
package dev.strata.cache.invalidation;

import org.jspecify.annotations.NullMarked;
