package dev.strata.cache.local.internal;

import dev.strata.cache.CacheLoader;
import dev.strata.cache.spi.StatsCounter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the entries of a {@link CaffeineLocalCache} for refresh-ahead, on the cache's executor. A
 * failed reload keeps the old value, is counted and logged.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class RefreshLoader<K, V>
    implements com.github.benmanes.caffeine.cache.CacheLoader<K, Object> {

  private static final Logger LOG = LoggerFactory.getLogger(CaffeineLocalCache.class);

  private final CacheLoader<? super K, ? extends V> loader;
  private final @Nullable Object absent;
  private final StatsCounter stats;
  private final String name;

  RefreshLoader(
      CacheLoader<? super K, ? extends V> loader,
      @Nullable Object absent,
      StatsCounter stats,
      String name) {
    this.loader = loader;
    this.absent = absent;
    this.stats = stats;
    this.name = name;
  }

  @Override
  public @Nullable Object load(K key) throws Exception {
    V value = loader.load(key);
    return value != null ? value : absent;
  }

  @Override
  public CompletableFuture<? extends @Nullable Object> asyncReload(
      K key, Object oldValue, Executor executor) {
    CompletableFuture<@Nullable Object> result = new CompletableFuture<>();
    executor.execute(
        () -> {
          long start = System.nanoTime();
          try {
            Object stored = load(key);
            stats.recordLoadSuccess(System.nanoTime() - start);
            result.complete(stored);
          } catch (Throwable t) {
            stats.recordLoadFailure(System.nanoTime() - start);
            LOG.warn("cache '{}' failed to refresh an entry; the old value stays", name, t);
            // A CancellationException makes Caffeine keep the old value without logging again.
            result.completeExceptionally(new FailedLoad(t));
          }
        });
    return result;
  }
}
