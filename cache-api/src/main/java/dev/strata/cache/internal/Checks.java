package dev.strata.cache.internal;

import dev.strata.cache.spi.CacheArguments;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Argument checks shared by the decorators: short names for {@link CacheArguments}, which holds the
 * checks and the messages the cache contract promises.
 */
public final class Checks {

  private Checks() {}

  /**
   * Rejects a null iterable of keys or a null key in it.
   *
   * @param keys the keys
   * @throws NullPointerException naming {@code keys} or the null key
   */
  public static void keys(@Nullable Iterable<?> keys) {
    CacheArguments.requireKeys(keys);
  }

  /**
   * Rejects a null map, or a null key or value in it.
   *
   * @param entries the entries
   * @throws NullPointerException naming {@code entries} or the null key or value
   */
  public static void entries(@Nullable Map<?, ?> entries) {
    CacheArguments.requireEntries(entries);
  }

  /**
   * Rejects a null, zero or negative TTL.
   *
   * @param ttl the TTL
   * @return the TTL
   * @throws NullPointerException if {@code ttl} is null
   * @throws IllegalArgumentException if {@code ttl} is not positive
   */
  public static Duration positiveTtl(@Nullable Duration ttl) {
    return CacheArguments.requirePositiveTtl(ttl);
  }
}
