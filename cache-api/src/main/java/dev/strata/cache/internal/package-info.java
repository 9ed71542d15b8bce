/**
 * Implementation classes of the cache API module: the asynchronous view of decorators, key locks,
 * argument checks. Users never need them; other modules must not use them.
 */
@NullMarked
package dev.strata.cache.internal;

import org.jspecify.annotations.NullMarked;
