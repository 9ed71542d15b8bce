package dev.strata.cache.local.internal;

/**
 * The value stored for a key that a loader reported as not existing, when negative caching is on.
 * Lookups that find it are hits that return {@code null}.
 */
enum AbsentValue {
  INSTANCE
}
