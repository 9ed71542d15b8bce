package dev.strata.cache.spi;

import dev.strata.cache.AsyncCache;
import dev.strata.cache.Cache;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The asynchronous view of a cache whose operations block (a decorator that writes to a database,
 * say): each call is checked in the caller's thread and then run on an executor. {@link
 * ForwardingCache} uses it for its {@link Cache#async() async()} view; a decorator that does not
 * extend {@code ForwardingCache} can do the same.
 *
 * <p>Argument errors (a null key, a non-positive TTL) are thrown at once; everything else arrives
 * in the returned stage. An asynchronous loader is adapted to a blocking one that waits for its
 * stage, so single-flight and statistics are those of the blocking cache. Thread-safe.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class BlockingAsyncView<K, V> implements AsyncCache<K, V> {

  private final Cache<K, V> cache;
  private final Executor executor;

  /**
   * Creates the view.
   *
   * @param cache the blocking cache
   * @param executor runs the blocking calls
   * @throws NullPointerException if an argument is null
   */
  public BlockingAsyncView(Cache<K, V> cache, Executor executor) {
    this.cache = Objects.requireNonNull(cache, "cache must not be null");
    this.executor = Objects.requireNonNull(executor, "executor must not be null");
  }

  @Override
  public CompletionStage<@Nullable V> getIfPresent(K key) {
    Objects.requireNonNull(key, "key must not be null");
    return CompletableFuture.supplyAsync(() -> cache.getIfPresent(key), executor);
  }

  @Override
  public CompletionStage<@Nullable V> get(
      K key, Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader) {
    Objects.requireNonNull(key, "key must not be null");
    Objects.requireNonNull(loader, "loader must not be null");
    return CompletableFuture.supplyAsync(
        () -> cache.get(key, k -> await(loader.apply(k))), executor);
  }

  @Override
  public CompletionStage<Map<K, V>> getAllPresent(Iterable<? extends K> keys) {
    CacheArguments.requireKeys(keys);
    return CompletableFuture.supplyAsync(() -> cache.getAllPresent(keys), executor);
  }

  @Override
  public CompletionStage<Map<K, V>> getAll(
      Iterable<? extends K> keys,
      Function<? super Set<K>, ? extends CompletionStage<? extends Map<? extends K, ? extends V>>>
          loader) {
    CacheArguments.requireKeys(keys);
    Objects.requireNonNull(loader, "loader must not be null");
    return CompletableFuture.supplyAsync(
        () ->
            cache.getAll(
                keys,
                new dev.strata.cache.CacheLoader<K, V>() {
                  @Override
                  public @Nullable V load(K key) throws Exception {
                    return loadAll(Set.of(key)).get(key);
                  }

                  @Override
                  @SuppressWarnings("unchecked")
                  public Map<K, V> loadAll(Set<? extends K> missing) throws Exception {
                    return (Map<K, V>) await(loader.apply((Set<K>) missing));
                  }
                }),
        executor);
  }

  @Override
  public CompletionStage<Void> put(K key, V value) {
    Objects.requireNonNull(key, "key must not be null");
    Objects.requireNonNull(value, "value must not be null");
    return CompletableFuture.runAsync(() -> cache.put(key, value), executor);
  }

  @Override
  public CompletionStage<Void> put(K key, V value, Duration ttl) {
    Objects.requireNonNull(key, "key must not be null");
    Objects.requireNonNull(value, "value must not be null");
    CacheArguments.requirePositiveTtl(ttl);
    return CompletableFuture.runAsync(() -> cache.put(key, value, ttl), executor);
  }

  @Override
  public CompletionStage<Void> putAll(Map<? extends K, ? extends V> entries) {
    CacheArguments.requireEntries(entries);
    return CompletableFuture.runAsync(() -> cache.putAll(entries), executor);
  }

  @Override
  public CompletionStage<Void> invalidate(K key) {
    Objects.requireNonNull(key, "key must not be null");
    return CompletableFuture.runAsync(() -> cache.invalidate(key), executor);
  }

  @Override
  public CompletionStage<Void> invalidateAll(Iterable<? extends K> keys) {
    CacheArguments.requireKeys(keys);
    return CompletableFuture.runAsync(() -> cache.invalidateAll(keys), executor);
  }

  @Override
  public CompletionStage<Void> invalidateAll() {
    return CompletableFuture.runAsync(cache::invalidateAll, executor);
  }

  @Override
  public Cache<K, V> synchronous() {
    return cache;
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    Objects.requireNonNull(stage, "the loader returned a null stage");
    try {
      return stage.toCompletableFuture().get();
    } catch (ExecutionException e) {
      throw unwrap(e.getCause());
    }
  }

  private static Exception unwrap(@Nullable Throwable cause) {
    Throwable t = cause;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof Error error) {
      throw error;
    }
    return t instanceof Exception e ? e : new IllegalStateException("load failed", t);
  }
}
