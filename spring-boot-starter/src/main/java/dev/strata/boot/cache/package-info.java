/** A Spring {@code CacheManager} backed by Strata caches (local, Redis or tiered). */
@NullMarked
package dev.strata.boot.cache;

import org.jspecify.annotations.NullMarked;
