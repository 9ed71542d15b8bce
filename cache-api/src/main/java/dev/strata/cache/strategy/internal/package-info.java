/**
 * Implementation classes of the caching strategies: the in-memory coalescing queue of write-behind.
 * Users never need them; other modules must not use them.
 */
@NullMarked
package dev.strata.cache.strategy.internal;

import org.jspecify.annotations.NullMarked;
