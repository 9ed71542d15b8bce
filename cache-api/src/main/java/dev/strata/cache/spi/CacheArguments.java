package dev.strata.cache.spi;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Argument checks of the {@link dev.strata.cache.Cache} contract, with the messages it promises:
 * for cache implementations and decorators that check arguments in the caller's thread before doing
 * any work. Stateless and thread-safe.
 */
public final class CacheArguments {

  private CacheArguments() {}

  /**
   * Rejects a null iterable of keys or a null key in it.
   *
   * @param keys the keys
   * @throws NullPointerException naming {@code keys} or the null key
   */
  public static void requireKeys(@Nullable Iterable<?> keys) {
    Objects.requireNonNull(keys, "keys must not be null");
    for (Object key : keys) {
      Objects.requireNonNull(key, "keys must not contain a null key");
    }
  }

  /**
   * Rejects a null map, or a null key or value in it.
   *
   * @param entries the entries
   * @throws NullPointerException naming {@code entries} or the null key or value
   */
  public static void requireEntries(@Nullable Map<?, ?> entries) {
    Objects.requireNonNull(entries, "entries must not be null");
    for (Map.Entry<?, ?> entry : entries.entrySet()) {
      Objects.requireNonNull(entry.getKey(), "entries must not contain a null key");
      Objects.requireNonNull(entry.getValue(), "entries must not contain a null value");
    }
  }

  /**
   * Rejects a null, zero or negative TTL.
   *
   * @param ttl the TTL
   * @return the TTL
   * @throws NullPointerException if {@code ttl} is null
   * @throws IllegalArgumentException if {@code ttl} is not positive
   */
  public static Duration requirePositiveTtl(@Nullable Duration ttl) {
    Objects.requireNonNull(ttl, "ttl must not be null");
    if (ttl.isZero() || ttl.isNegative()) {
      throw new IllegalArgumentException("ttl must be positive but was " + ttl);
    }
    return ttl;
  }
}
