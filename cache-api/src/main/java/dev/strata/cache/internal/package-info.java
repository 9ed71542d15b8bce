/**
 * Implementation classes of the cache API module: the asynchronous view of decorators, the
 * coalescing queue of write-behind. Users never need them; other modules must not use them.
 */
@NullMarked
package dev.strata.cache.internal;

import org.jspecify.annotations.NullMarked;
