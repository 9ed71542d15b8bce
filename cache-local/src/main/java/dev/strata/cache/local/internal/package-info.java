/**
 * The Caffeine-backed implementation of {@link dev.strata.cache.local.LocalCache}. Not part of the
 * public API: use {@link dev.strata.cache.local.LocalCache#builder()}.
 */
@NullMarked
package dev.strata.cache.local.internal;

import org.jspecify.annotations.NullMarked;
