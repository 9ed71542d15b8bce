/**
 * Building blocks for implementing a {@link dev.strata.cache.Cache}: single-flight loading,
 * statistics counting, the contract's argument checks, a forwarding base for decorators and a
 * blocking asynchronous view. Users of caches do not need this package; authors of new cache
 * implementations (and Strata's own local and Redis caches) do. It depends on the root package
 * only, never on {@code internal}.
 */
@NullMarked
package dev.strata.cache.spi;

import org.jspecify.annotations.NullMarked;
