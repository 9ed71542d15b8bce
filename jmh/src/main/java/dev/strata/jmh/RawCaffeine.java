package dev.strata.jmh;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * The raw Caffeine cache Strata's local caches are measured against, configured alike in every
 * benchmark: a size bound, a {@link #TTL} after write and statistics on ({@code recordStats()};
 * Strata records statistics by default).
 */
public final class RawCaffeine {

  /** The time to live of the raw cache, and of the Strata caches beside it. */
  public static final Duration TTL = Duration.ofMinutes(10);

  private RawCaffeine() {}

  /** A new, empty, thread-safe raw cache holding at most {@code maximumSize} entries. */
  public static <K, V> Cache<K, V> newCache(long maximumSize) {
    return Caffeine.newBuilder()
        .maximumSize(maximumSize)
        .expireAfterWrite(TTL)
        .recordStats()
        .build();
  }
}
