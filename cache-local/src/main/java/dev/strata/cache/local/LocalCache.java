package dev.strata.cache.local;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.strata.cache.Cache;
import dev.strata.cache.CacheLoader;
import dev.strata.cache.TtlPolicy;
import dev.strata.cache.local.internal.CaffeineLocalCache;
import dev.strata.cache.local.internal.LocalCacheSettings;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.ToIntBiFunction;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Cache} in this JVM's heap, backed by Caffeine.
 *
 * <p>Everything the {@link Cache} contract promises holds: null keys and values are rejected,
 * concurrent misses on one key (through the blocking or the {@link #async()} view, in any mix)
 * cause one load, a loader's {@code null} is "absent" (remembered for the negative TTL when the
 * {@link TtlPolicy} enables negative caching), a loader's exception reaches every waiting caller
 * and nothing is cached. A load runs in the thread of the caller that missed first; the others wait
 * for it. {@link #getAll(Iterable, CacheLoader)} passes only the keys that are neither cached nor
 * being loaded to one {@link CacheLoader#loadAll(java.util.Set)} call.
 *
 * <p><b>Loads and writes of one key.</b> A {@code put}, {@code putAll} or {@code invalidate*} made
 * while a load of the key is in flight wins: the loaded value is not cached afterwards, and the
 * load is detached, so a lookup after the write starts a new load instead of joining the old one
 * (read-your-writes); callers that had already joined the old load get its value. The guard is a
 * per-key striped stamp: a write to one key does not discard a concurrent load of another. A loader
 * that asks this cache for its own key from the thread loading it fails at once with an {@link
 * IllegalStateException} ("recursive load") instead of waiting for itself; loading other keys from
 * a loader works. A caller waiting for another thread's load stops when interrupted, with a {@link
 * dev.strata.cache.CacheLoadException} caused by the {@link InterruptedException} and its interrupt
 * flag left set; the load goes on for the others. {@link Builder#loadTimeout(Duration)} bounds how
 * long callers wait for a load.
 *
 * <p>A hit costs a Caffeine lookup plus a statistics increment: no allocation, no lock.
 *
 * <p>Build one with {@link #builder()}:
 *
 * <pre>{@code
 * LocalCache<Long, User> users = LocalCache.<Long, User>builder()
 *     .name("users")
 *     .maximumSize(10_000)
 *     .ttl(TtlPolicy.builder()
 *         .defaultTtl(Duration.ofMinutes(10))
 *         .jitter(0.1)
 *         .negativeTtl(Duration.ofSeconds(30))
 *         .build())
 *     .build();
 * User user = users.get(42L, userRepository::findById);
 * }</pre>
 *
 * <p>Instances are thread-safe. A local cache holds no threads or connections; there is nothing to
 * close.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface LocalCache<K, V> extends Cache<K, V> {

  /**
   * Performs pending maintenance now: evicting entries over the size bound, removing expired
   * entries and notifying the {@link EvictionListener}. The cache does this by itself during normal
   * use; call this where a deterministic moment is needed (tests, metrics).
   */
  void cleanUp();

  /**
   * Returns a new builder.
   *
   * @param <K> the key type
   * @param <V> the value type
   * @return a builder with no size bound, an eternal TTL policy and statistics on
   */
  static <K, V> Builder<K, V> builder() {
    return new Builder<>();
  }

  /**
   * Builds a {@link LocalCache}. Setters check for null at once; ranges and combinations are
   * validated in {@link #build()}. Not thread-safe; a builder may build several independent caches.
   *
   * @param <K> the key type
   * @param <V> the value type
   */
  final class Builder<K, V> {
    private static final long UNSET = Long.MIN_VALUE;

    private @Nullable String name;
    private long maximumSize = UNSET;
    private long maximumWeight = UNSET;
    private @Nullable ToIntBiFunction<? super K, ? super V> weigher;
    private TtlPolicy ttl = TtlPolicy.eternal();
    private @Nullable EvictionListener<? super K, ? super V> evictionListener;
    private @Nullable Duration refreshAfterWrite;
    private @Nullable CacheLoader<? super K, ? extends V> refreshLoader;
    private boolean recordStats = true;
    private Executor executor = ForkJoinPool.commonPool();
    private @Nullable Ticker ticker;
    private @Nullable Duration loadTimeout;

    private Builder() {}

    /**
     * Sets the cache's name, used in metrics and logs. Required.
     *
     * @param name a non-blank name
     * @return this builder
     */
    public Builder<K, V> name(String name) {
      this.name = Objects.requireNonNull(name, "name must not be null");
      return this;
    }

    /**
     * Bounds the cache to about {@code maximumSize} entries; beyond that the entries least likely
     * to be used again are evicted (Caffeine's W-TinyLFU). Excludes {@link #maximumWeight}.
     *
     * @param maximumSize zero or more entries
     * @return this builder
     */
    public Builder<K, V> maximumSize(long maximumSize) {
      this.maximumSize = maximumSize;
      return this;
    }

    /**
     * Bounds the cache by the total weight of its values instead of their count. Excludes {@link
     * #maximumSize}.
     *
     * @param maximumWeight zero or more weight units
     * @param weigher the weight of one entry, zero or more; called when an entry is written, from
     *     the writing thread, and must not throw
     * @return this builder
     */
    public Builder<K, V> maximumWeight(
        long maximumWeight, ToIntBiFunction<? super K, ? super V> weigher) {
      this.maximumWeight = maximumWeight;
      this.weigher = Objects.requireNonNull(weigher, "weigher must not be null");
      return this;
    }

    /**
     * Sets how long entries live: default TTL, jitter and negative caching. Per-entry TTLs given to
     * {@link Cache#put(Object, Object, Duration)} get the same jitter.
     *
     * @param ttl the policy; {@link TtlPolicy#eternal()} by default
     * @return this builder
     */
    public Builder<K, V> ttl(TtlPolicy ttl) {
      this.ttl = Objects.requireNonNull(ttl, "ttl must not be null");
      return this;
    }

    /**
     * Sets a listener told about every value evicted for size or expiry.
     *
     * @param evictionListener the listener
     * @return this builder
     */
    public Builder<K, V> evictionListener(EvictionListener<? super K, ? super V> evictionListener) {
      this.evictionListener =
          Objects.requireNonNull(evictionListener, "evictionListener must not be null");
      return this;
    }

    /**
     * Enables refresh-ahead: the first lookup of an entry older than {@code refreshAfterWrite}
     * still returns the current value at once, and starts one reload of the key with {@code loader}
     * on the {@link #executor(Executor) executor}. When the reload completes its value replaces the
     * old one (a {@code null} removes the entry, or caches it as absent under negative caching);
     * when it fails the old value stays, the failure is logged and counted. Choose a refresh
     * interval shorter than the TTL so hot entries never expire.
     *
     * @param refreshAfterWrite a positive age after which a read triggers a reload
     * @param loader loads the fresh value; also what the refresh calls for entries written by
     *     {@code put}
     * @return this builder
     */
    public Builder<K, V> refreshAfterWrite(
        Duration refreshAfterWrite, CacheLoader<? super K, ? extends V> loader) {
      this.refreshAfterWrite =
          Objects.requireNonNull(refreshAfterWrite, "refreshAfterWrite must not be null");
      this.refreshLoader = Objects.requireNonNull(loader, "loader must not be null");
      return this;
    }

    /**
     * Turns statistics on or off. They are on by default and cost one contention-free counter
     * increment per lookup; off, {@link Cache#stats()} always reports zeros.
     *
     * @param recordStats whether to count hits, misses, loads and evictions
     * @return this builder
     */
    public Builder<K, V> recordStats(boolean recordStats) {
      this.recordStats = recordStats;
      return this;
    }

    /**
     * Sets the executor for the cache's maintenance (eviction, listener calls) and refresh-ahead
     * reloads. Loads on a miss run in the caller's thread, not here.
     *
     * @param executor the executor; {@link ForkJoinPool#commonPool()} by default. {@code
     *     Runnable::run} makes maintenance synchronous, which tests may like.
     * @return this builder
     */
    public Builder<K, V> executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor must not be null");
      return this;
    }

    /**
     * Sets the time source for expiry and refresh, in nanoseconds. Tests pass a fake ticker to move
     * time without sleeping.
     *
     * @param ticker the time source; {@link Ticker#systemTicker()} by default
     * @return this builder
     */
    public Builder<K, V> ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker must not be null");
      return this;
    }

    /**
     * Bounds how long callers wait for a load in flight. A load that has not completed within
     * {@code loadTimeout} of its start (a hung asynchronous loader, a database that never answers)
     * is failed for every caller waiting for it, with a {@link dev.strata.cache.CacheLoadException}
     * whose cause is a {@link java.util.concurrent.TimeoutException}, and forgotten, so the next
     * lookup of the key starts a new load. The thread running a late blocking load is not
     * interrupted and gets its own value when the loader returns; that value is still cached unless
     * the key was written or invalidated meanwhile.
     *
     * @param loadTimeout a positive duration, or {@code null} for no limit (the default: callers
     *     wait as long as the load runs)
     * @return this builder
     */
    public Builder<K, V> loadTimeout(@Nullable Duration loadTimeout) {
      this.loadTimeout = loadTimeout;
      return this;
    }

    /**
     * Validates the settings and builds a new, empty cache.
     *
     * @return the cache
     * @throws IllegalArgumentException naming the field and value that is out of range
     * @throws IllegalStateException if the name was not set, or both a maximum size and a maximum
     *     weight were
     */
    public LocalCache<K, V> build() {
      if (name == null) {
        throw new IllegalStateException("name must be set");
      }
      if (name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank but was '" + name + "'");
      }
      if (maximumSize != UNSET && maximumWeight != UNSET) {
        throw new IllegalStateException(
            "maximumSize and maximumWeight cannot both be set (maximumSize="
                + maximumSize
                + ", maximumWeight="
                + maximumWeight
                + ")");
      }
      if (maximumSize != UNSET && maximumSize < 0) {
        throw new IllegalArgumentException(
            "maximumSize must not be negative but was " + maximumSize);
      }
      if (maximumWeight != UNSET && maximumWeight < 0) {
        throw new IllegalArgumentException(
            "maximumWeight must not be negative but was " + maximumWeight);
      }
      if (refreshAfterWrite != null
          && (refreshAfterWrite.isZero() || refreshAfterWrite.isNegative())) {
        throw new IllegalArgumentException(
            "refreshAfterWrite must be positive but was " + refreshAfterWrite);
      }
      if (loadTimeout != null && (loadTimeout.isZero() || loadTimeout.isNegative())) {
        throw new IllegalArgumentException("loadTimeout must be positive but was " + loadTimeout);
      }
      return new CaffeineLocalCache<>(
          new LocalCacheSettings<>(
              name,
              maximumSize == UNSET ? -1 : maximumSize,
              maximumWeight == UNSET ? -1 : maximumWeight,
              weigher,
              ttl,
              evictionListener,
              refreshAfterWrite,
              refreshLoader,
              recordStats,
              executor,
              ticker,
              loadTimeout));
    }
  }
}
