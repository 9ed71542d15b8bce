/**
 * Implementation classes of the cache API module: key locks and argument checks of the decorators.
 * Users never need them; other modules must not use them. May depend on the public packages of the
 * module, never the other way round (except a public factory creating its own implementation).
 */
@NullMarked
package dev.strata.cache.internal;

import org.jspecify.annotations.NullMarked;
