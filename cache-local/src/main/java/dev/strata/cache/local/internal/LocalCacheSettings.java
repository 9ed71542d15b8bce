package dev.strata.cache.local.internal;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.strata.cache.CacheLoader;
import dev.strata.cache.TtlPolicy;
import dev.strata.cache.local.EvictionListener;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.ToIntBiFunction;
import org.jspecify.annotations.Nullable;

/**
 * The validated settings of a local cache, as collected by {@link
 * dev.strata.cache.local.LocalCache.Builder}.
 *
 * @param name the cache's name
 * @param maximumSize the entry bound, or -1 for none
 * @param maximumWeight the weight bound, or -1 for none
 * @param weigher the weigher; set exactly when {@code maximumWeight} is
 * @param ttl the TTL policy
 * @param evictionListener the user's eviction listener, if any
 * @param refreshAfterWrite the refresh-ahead age, if refresh-ahead is on
 * @param refreshLoader the refresh-ahead loader; set exactly when {@code refreshAfterWrite} is
 * @param recordStats whether statistics are kept
 * @param executor runs maintenance and refreshes
 * @param ticker the time source, or {@code null} for the system's
 * @param loadTimeout how long waiters wait for a load in flight, or {@code null} for no limit
 * @param <K> the key type
 * @param <V> the value type
 */
public record LocalCacheSettings<K, V>(
    String name,
    long maximumSize,
    long maximumWeight,
    @Nullable ToIntBiFunction<? super K, ? super V> weigher,
    TtlPolicy ttl,
    @Nullable EvictionListener<? super K, ? super V> evictionListener,
    @Nullable Duration refreshAfterWrite,
    @Nullable CacheLoader<? super K, ? extends V> refreshLoader,
    boolean recordStats,
    Executor executor,
    @Nullable Ticker ticker,
    @Nullable Duration loadTimeout) {}
