package dev.strata.cache.redis;

import dev.strata.cache.CacheLoader;
import dev.strata.cache.redis.internal.RefreshLeases;
import dev.strata.cache.redis.internal.StoredValueFormat;
import dev.strata.redis.LogThrottle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probabilistic early refresh of a {@link RedisCache}'s entries (XFetch: Vattani, Chierichetti and
 * Lowenstein, "Optimal Probabilistic Cache Stampede Prevention", VLDB 2015). A fill stores the
 * load's duration {@code delta} and the entry's expiry with the value; a hit of {@code get(key,
 * loader)} (blocking or through the asynchronous view) refreshes the entry when {@code now - delta
 * * beta * ln(random) >= expiry}, which gets likelier as the expiry nears and for entries that are
 * slow to load. The reader that decides to refresh takes the entry's refresh lease (one caller of
 * all processes per entry), loads with its loader and writes the new value while it still holds the
 * lease; every other reader keeps being served the current value, so a hot key never misses across
 * its expiry. Thread-safe.
 */
final class EarlyRefresh<K, V> {

  private static final Logger LOG = LoggerFactory.getLogger(EarlyRefresh.class);

  private final RedisCache<K, V> cache;
  private final double beta;
  private final RefreshLeases refreshLeases;
  private final LogThrottle log = new LogThrottle(Duration.ofSeconds(10));

  EarlyRefresh(RedisCache<K, V> cache, double beta, RefreshLeases refreshLeases) {
    this.cache = cache;
    this.beta = beta;
    this.refreshLeases = refreshLeases;
  }

  /** Frames a loaded value's stored bytes with its load duration and expiry. */
  static byte[] frame(byte[] stored, long loadNanos, long ttlMillis) {
    return StoredValueFormat.frameRefreshable(
        stored, TimeUnit.NANOSECONDS.toMillis(loadNanos), System.currentTimeMillis() + ttlMillis);
  }

  /** The XFetch test on the bytes of a hit: true when this reader should refresh the entry. */
  boolean due(byte[] stored) {
    if (!StoredValueFormat.refreshable(stored)) {
      return false;
    }
    double delta = StoredValueFormat.loadMillis(stored);
    long expiry = StoredValueFormat.expiresAtMillis(stored);
    double random = ThreadLocalRandom.current().nextDouble();
    return System.currentTimeMillis() - delta * beta * Math.log(random) >= expiry;
  }

  /**
   * Refreshes an entry that a hit found {@link #due}: returns the new value when this caller won
   * the refresh lease and loaded, else the current one. A failed load is counted and logged, and
   * the current value (still valid) is returned; the entry then expires as usual.
   */
  @Nullable V refresh(
      K key,
      byte[] redisKey,
      byte[] stored,
      Object found,
      CacheLoader<? super K, ? extends V> loader) {
    V current = cache.countAndUnwrap(found);
    long stamp = cache.stamps.stamp(key);
    byte[] holder = refreshLeases.acquire(redisKey, stored).join();
    if (holder == null) {
      return current;
    }
    long start = System.nanoTime();
    V value;
    try {
      value = loader.load(key);
    } catch (Exception e) {
      failed(start, e);
      return current;
    }
    long loadNanos = System.nanoTime() - start;
    store(key, redisKey, holder, stamp, value, loadNanos).join();
    return value;
  }

  /**
   * Refreshes an entry that a hit of the asynchronous view found {@link #due}, without blocking:
   * takes the refresh lease and, when this caller won it, starts the load with {@code loader} (on
   * the thread that completes the lease, a Lettuce thread) and writes the new value when the load's
   * stage completes. The caller is served the current value meanwhile. A failed load is counted and
   * logged; the entry then expires as usual.
   *
   * @return a stage completed when the refresh is over (whether it landed or not); never completed
   *     exceptionally
   */
  CompletableFuture<Void> refreshAsync(
      K key,
      byte[] redisKey,
      byte[] stored,
      Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader) {
    long stamp = cache.stamps.stamp(key);
    return refreshLeases
        .acquire(redisKey, stored)
        .thenCompose(
            holder -> {
              if (holder == null) {
                return CompletableFuture.completedFuture(null);
              }
              long start = System.nanoTime();
              CompletionStage<? extends @Nullable V> stage;
              try {
                stage =
                    Objects.requireNonNull(loader.apply(key), "the loader returned a null stage");
              } catch (Throwable t) {
                failed(start, t);
                return CompletableFuture.completedFuture(null);
              }
              CompletableFuture<Void> done = new CompletableFuture<>();
              stage.whenComplete(
                  (value, error) -> {
                    CompletableFuture<Boolean> landed;
                    if (error != null) {
                      failed(start, error);
                      landed = CompletableFuture.completedFuture(false);
                    } else {
                      landed =
                          store(key, redisKey, holder, stamp, value, System.nanoTime() - start);
                    }
                    landed.whenComplete((ok, ignored) -> done.complete(null));
                  });
              return done;
            });
  }

  private void failed(long start, Throwable error) {
    cache.stats.recordLoadFailure(System.nanoTime() - start);
    if (log.permit()) {
      LOG.warn(
          "Redis cache '{}': an early refresh failed, the current value is served until it"
              + " expires: {} ({} similar events not logged since the last one)",
          cache.name(),
          error.toString(),
          log.takeSuppressed());
    }
  }

  /**
   * Counts a refresh load that succeeded and writes its value under the refresh lease {@code
   * holder}, unless this process put or invalidated the key since the refresh started. A null value
   * (the row is gone) is not written: the entry expires as usual (or is invalidated by its writer).
   *
   * @return a stage completed with whether the value landed; never completed exceptionally
   */
  private CompletableFuture<Boolean> store(
      K key, byte[] redisKey, byte[] holder, long stamp, @Nullable V value, long loadNanos) {
    cache.stats.recordLoadSuccess(loadNanos);
    if (value == null) {
      return CompletableFuture.completedFuture(false);
    }
    byte[] framed = cache.entries.encodeForFill(value);
    long ttl = RedisCache.millis(cache.ttlPolicy.nextDefaultTtl());
    if (framed == null) {
      return CompletableFuture.completedFuture(false);
    }
    byte[] bytes = ttl > 0 ? frame(framed, loadNanos, ttl) : framed;
    CompletableFuture<Boolean> landed = CompletableFuture.completedFuture(false);
    cache.fillLock.readLock().lock();
    try {
      if (cache.stamps.unchanged(key, stamp)) {
        landed = refreshLeases.fill(redisKey, holder, bytes, ttl);
      }
    } finally {
      cache.fillLock.readLock().unlock();
    }
    return landed;
  }

  long refreshes() {
    return refreshLeases.granted();
  }

  long refreshesLanded() {
    return refreshLeases.landed();
  }
}
