/**
 * Implementation classes of the Redis access module. Not part of the public API: users never need
 * these types, and they may change without notice. This package is the only place in Strata that
 * builds Lettuce client options.
 */
@NullMarked
package dev.strata.redis.internal;

import org.jspecify.annotations.NullMarked;
