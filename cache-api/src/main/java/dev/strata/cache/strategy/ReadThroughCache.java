package dev.strata.cache.strategy;

import dev.strata.cache.Cache;
import dev.strata.cache.CacheLoader;
import dev.strata.cache.spi.ForwardingCache;
import dev.strata.cache.spi.InvalidationStamps;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read-through cache: the cache owns its {@link CacheLoader}, so callers just ask for a key with
 * {@link #get(Object)} or for many with {@link #getAll(Iterable)}; misses load through the loader
 * (single-flight for one key, one bulk load for many) and fill the cache.
 *
 * <p><b>Refresh-ahead</b> (optional): once an entry is older than {@code refreshAfter}, the next
 * read still returns it at once, and starts <em>one</em> reload in the background on the refresh
 * executor; later reads keep getting the old value until the reload has replaced it. A reload that
 * fails is logged and leaves the old value in place (it expires by its TTL as usual); a reload that
 * finds nothing removes the entry. An entry's age is counted from when this decorator loaded or put
 * it, or first saw it (for entries written by other processes into a shared cache).
 *
 * <p>A reload never puts back a value older than a write: it takes a per-key stamp ({@link
 * InvalidationStamps}) when it is scheduled and stores its value only if no {@code put}, {@code
 * putAll} or {@code invalidate*} of the key went through this cache since; if one lands while the
 * reload is storing, the reload removes the key again (a miss, never a stale value). Writes made to
 * the decorated cache directly, or by other processes, are not seen: route them through this
 * decorator (or invalidate through it) for the guarantee.
 *
 * <pre>{@code
 * ReadThroughCache<Long, User> users = ReadThroughCache.builder(cache, userLoader)
 *     .refreshAfter(Duration.ofMinutes(8))   // cache TTL is 10 minutes
 *     .ttl(Duration.ofMinutes(10))
 *     .refreshExecutor(executor)
 *     .build();
 * User u = users.get(42L);
 * }</pre>
 *
 * <p>Every other {@link Cache} method is passed to the decorated cache; {@link #get(Object,
 * CacheLoader)} with an explicit loader uses that loader. Thread-safe; nulls and failures are those
 * of {@link Cache}.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class ReadThroughCache<K, V> extends ForwardingCache<K, V> {

  private static final Logger LOG = LoggerFactory.getLogger(ReadThroughCache.class);
  private static final int SWEEP_EVERY = 1024;

  private final CacheLoader<? super K, ? extends V> loader;
  private final CacheLoader<K, V> trackingLoader;
  private final long refreshAfterMillis;
  private final long ttlMillis;
  private final @Nullable Executor refreshExecutor;
  private final Clock clock;
  private final ConcurrentHashMap<K, Long> loadedAt = new ConcurrentHashMap<>();
  private final Set<K> refreshing = ConcurrentHashMap.newKeySet();
  private final AtomicInteger recordsSinceSweep = new AtomicInteger();
  private final InvalidationStamps writes = new InvalidationStamps(256);

  private ReadThroughCache(Builder<K, V> builder) {
    super(builder.cache, builder.asyncExecutor);
    this.loader = builder.loader;
    this.refreshAfterMillis = builder.refreshAfter == null ? 0 : builder.refreshAfter.toMillis();
    this.ttlMillis = builder.ttl == null ? 0 : builder.ttl.toMillis();
    this.refreshExecutor = builder.refreshExecutor;
    this.clock = builder.clock;
    this.trackingLoader =
        new CacheLoader<>() {
          @Override
          public @Nullable V load(K key) throws Exception {
            V value = loader.load(key);
            recordLoaded(key);
            return value;
          }

          @Override
          @SuppressWarnings("unchecked")
          public Map<K, V> loadAll(Set<? extends K> keys) throws Exception {
            Map<K, V> values = (Map<K, V>) loader.loadAll(keys);
            for (K key : keys) {
              recordLoaded(key);
            }
            return values;
          }
        };
  }

  /**
   * Starts a builder of a read-through cache over {@code cache}.
   *
   * @param cache the cache that holds the entries (local or shared)
   * @param loader loads misses from the system of record
   * @param <K> the key type
   * @param <V> the value type
   * @return the builder
   * @throws NullPointerException if an argument is null
   */
  public static <K, V> Builder<K, V> builder(
      Cache<K, V> cache, CacheLoader<? super K, ? extends V> loader) {
    return new Builder<>(cache, loader);
  }

  /**
   * Returns the value of {@code key}: the cached one, or one loaded by this cache's loader (and
   * cached). With refresh-ahead, an old entry is returned at once and reloaded in the background.
   *
   * @param key the key
   * @return the value, or {@code null} if the loader found nothing
   * @throws NullPointerException if {@code key} is null
   * @throws dev.strata.cache.CacheLoadException if the loader threw a checked exception
   * @throws RuntimeException the loader's unchecked exception, unchanged
   */
  public @Nullable V get(K key) {
    V value = delegate().get(key, trackingLoader);
    if (value != null && refreshAfterMillis > 0) {
      refreshIfOld(key);
    }
    return value;
  }

  /**
   * Returns the values of {@code keys}, loading the missing ones with one call to the loader's
   * {@link CacheLoader#loadAll(Set)}.
   *
   * @param keys the keys
   * @return every key found or loaded, with its value
   * @throws NullPointerException if {@code keys} or a key is null
   * @throws dev.strata.cache.CacheLoadException if the loader threw a checked exception
   */
  public Map<K, V> getAll(Iterable<? extends K> keys) {
    Map<K, V> values = delegate().getAll(keys, trackingLoader);
    if (refreshAfterMillis > 0) {
      for (K key : values.keySet()) {
        refreshIfOld(key);
      }
    }
    return values;
  }

  /**
   * Returns whether refresh-ahead is on.
   *
   * @return {@code true} if a refresh threshold was configured
   */
  public boolean refreshesAhead() {
    return refreshAfterMillis > 0;
  }

  @Override
  public void put(K key, V value) {
    written(key);
    super.put(key, value);
    recordLoaded(key);
  }

  @Override
  public void put(K key, V value, Duration ttl) {
    written(key);
    super.put(key, value, ttl);
    recordLoaded(key);
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> entries) {
    if (entries != null) {
      entries.keySet().forEach(this::written);
    }
    super.putAll(entries);
    for (K key : entries.keySet()) {
      recordLoaded(key);
    }
  }

  @Override
  public void invalidate(K key) {
    written(key);
    super.invalidate(key);
    loadedAt.remove(key);
  }

  @Override
  public void invalidateAll(Iterable<? extends K> keys) {
    if (keys != null) {
      keys.forEach(this::written);
    }
    super.invalidateAll(keys);
    for (K key : keys) {
      loadedAt.remove(key);
    }
  }

  @Override
  public void invalidateAll() {
    writes.invalidatedAll();
    super.invalidateAll();
    loadedAt.clear();
  }

  /** Moves the stamp of a key being written; a null key is left for the delegate to reject. */
  private void written(@Nullable K key) {
    if (key != null) {
      writes.invalidated(key);
    }
  }

  private void recordLoaded(K key) {
    if (refreshAfterMillis > 0) {
      loadedAt.put(key, clock.millis());
      sweepNowAndThen();
    }
  }

  private void refreshIfOld(K key) {
    long now = clock.millis();
    Long since = loadedAt.putIfAbsent(key, now);
    if (since == null) {
      sweepNowAndThen();
      return;
    }
    if (now - since < refreshAfterMillis || !refreshing.add(key)) {
      return;
    }
    long stamp = writes.stamp(key);
    try {
      Objects.requireNonNull(refreshExecutor).execute(() -> refresh(key, stamp));
    } catch (RejectedExecutionException e) {
      refreshing.remove(key);
      LOG.warn(
          "cache '{}': refresh executor rejected the reload of a key: {}", name(), e.toString());
    }
  }

  /**
   * Reloads {@code key} and stores the result unless the key was written or invalidated through
   * this cache since {@code stamp} was taken; a write that races with the store makes the reload
   * remove what it stored.
   */
  private void refresh(K key, long stamp) {
    try {
      V fresh = loader.load(key);
      if (!writes.unchanged(key, stamp)) {
        LOG.debug("cache '{}': a reload was superseded by a write and is dropped", name());
      } else if (fresh != null) {
        delegate().put(key, fresh);
        if (writes.unchanged(key, stamp)) {
          loadedAt.put(key, clock.millis());
        } else {
          delegate().invalidate(key);
          loadedAt.remove(key);
        }
      } else {
        delegate().invalidate(key);
        loadedAt.remove(key);
      }
    } catch (Exception e) {
      LOG.warn("cache '{}': background reload failed, keeping the old value", name(), e);
    } finally {
      refreshing.remove(key);
    }
  }

  /** Forgets load times older than the TTL: those entries have expired from the cache. */
  private void sweepNowAndThen() {
    if (recordsSinceSweep.incrementAndGet() < SWEEP_EVERY) {
      return;
    }
    recordsSinceSweep.set(0);
    long oldest = clock.millis() - ttlMillis;
    loadedAt.values().removeIf(at -> at < oldest);
  }

  /**
   * Builds a {@link ReadThroughCache}; validated in {@link #build()}. Not thread-safe.
   *
   * @param <K> the key type
   * @param <V> the value type
   */
  public static final class Builder<K, V> {
    private final Cache<K, V> cache;
    private final CacheLoader<? super K, ? extends V> loader;
    private @Nullable Duration refreshAfter;
    private @Nullable Duration ttl;
    private @Nullable Executor refreshExecutor;
    private Executor asyncExecutor = ForkJoinPool.commonPool();
    private Clock clock = Clock.systemUTC();

    private Builder(Cache<K, V> cache, CacheLoader<? super K, ? extends V> loader) {
      this.cache = Objects.requireNonNull(cache, "cache must not be null");
      this.loader = Objects.requireNonNull(loader, "loader must not be null");
    }

    /**
     * Turns on refresh-ahead: entries older than this are reloaded in the background on their next
     * read. Requires {@link #ttl(Duration)} and {@link #refreshExecutor(Executor)}.
     *
     * @param refreshAfter a positive duration shorter than the TTL, or {@code null} for no
     *     refresh-ahead (the default)
     * @return this builder
     */
    public Builder<K, V> refreshAfter(@Nullable Duration refreshAfter) {
      this.refreshAfter = refreshAfter;
      return this;
    }

    /**
     * Tells the TTL the decorated cache gives its entries; required with refresh-ahead, which must
     * start before entries expire.
     *
     * @param ttl a positive duration
     * @return this builder
     */
    public Builder<K, V> ttl(@Nullable Duration ttl) {
      this.ttl = ttl;
      return this;
    }

    /**
     * Sets the executor that runs background reloads; required with refresh-ahead.
     *
     * @param refreshExecutor the executor
     * @return this builder
     */
    public Builder<K, V> refreshExecutor(@Nullable Executor refreshExecutor) {
      this.refreshExecutor = refreshExecutor;
      return this;
    }

    /**
     * Sets the executor that runs the calls of the {@link #async() asynchronous view}; the common
     * fork-join pool by default.
     *
     * @param asyncExecutor the executor
     * @return this builder
     */
    public Builder<K, V> asyncExecutor(Executor asyncExecutor) {
      this.asyncExecutor = asyncExecutor;
      return this;
    }

    /**
     * Sets the clock that measures the age of entries; the system clock by default.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder<K, V> clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * Validates the settings and builds the cache.
     *
     * @return the read-through cache
     * @throws IllegalArgumentException naming the setting that is missing or out of range
     * @throws NullPointerException if the clock or async executor was set to null
     */
    public ReadThroughCache<K, V> build() {
      Objects.requireNonNull(asyncExecutor, "asyncExecutor must not be null");
      Objects.requireNonNull(clock, "clock must not be null");
      if (ttl != null && (ttl.isZero() || ttl.isNegative())) {
        throw new IllegalArgumentException("ttl must be positive but was " + ttl);
      }
      if (refreshAfter != null) {
        if (refreshAfter.isZero() || refreshAfter.isNegative()) {
          throw new IllegalArgumentException(
              "refreshAfter must be positive but was " + refreshAfter);
        }
        if (refreshAfter.toMillis() == 0) {
          throw new IllegalArgumentException(
              "refreshAfter must be at least one millisecond but was " + refreshAfter);
        }
        if (ttl == null) {
          throw new IllegalArgumentException(
              "ttl must be set when refreshAfter is (refreshAfter " + refreshAfter + ")");
        }
        if (refreshAfter.compareTo(ttl) >= 0) {
          throw new IllegalArgumentException(
              "refreshAfter must be shorter than ttl (" + ttl + ") but was " + refreshAfter);
        }
        if (refreshExecutor == null) {
          throw new IllegalArgumentException(
              "refreshExecutor must be set when refreshAfter is (refreshAfter "
                  + refreshAfter
                  + ")");
        }
      }
      return new ReadThroughCache<>(this);
    }
  }
}
