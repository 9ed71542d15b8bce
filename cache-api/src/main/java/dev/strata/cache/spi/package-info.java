/**
 * Building blocks for implementing a {@link dev.strata.cache.Cache}: single-flight loading and
 * statistics counting. Users of caches do not need this package; authors of new cache
 * implementations (and Strata's own local and Redis caches) do.
 */
@NullMarked
package dev.strata.cache.spi;

import org.jspecify.annotations.NullMarked;
