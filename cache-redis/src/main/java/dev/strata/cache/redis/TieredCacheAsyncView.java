package dev.strata.cache.redis;

import dev.strata.cache.AsyncCache;
import dev.strata.cache.Cache;
import dev.strata.cache.redis.internal.L1FillFence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** The non-blocking view; shares L1, L2, loads in flight and statistics with the cache. */
final class TieredCacheAsyncView<K, V> implements AsyncCache<K, V> {

  private final TieredCache<K, V> cache;

  TieredCacheAsyncView(TieredCache<K, V> cache) {
    this.cache = cache;
  }

  @Override
  public CompletionStage<@Nullable V> getIfPresent(K key) {
    V value = cache.l1.getIfPresent(Objects.requireNonNull(key, "key must not be null"));
    if (value != null) {
      return CompletableFuture.completedFuture(value);
    }
    L1FillFence.Ticket<K> ticket = cache.fence.open(key);
    CompletionStage<@Nullable V> fetch;
    try {
      fetch = cache.l2.async().getIfPresent(key);
    } catch (RuntimeException e) {
      ticket.close();
      throw e;
    }
    return fetch.whenComplete(
        (found, error) -> {
          try {
            if (found != null) {
              cache.fillL1(ticket, key, found);
            }
          } finally {
            ticket.close();
          }
        });
  }

  @Override
  public CompletionStage<@Nullable V> get(
      K key, Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader) {
    V value = cache.l1.getIfPresent(Objects.requireNonNull(key, "key must not be null"));
    if (value != null) {
      return CompletableFuture.completedFuture(value);
    }
    Objects.requireNonNull(loader, "loader must not be null");
    return cache.flight.loadAsync(
        key,
        k -> {
          L1FillFence.Ticket<K> ticket = cache.fence.open(k);
          CompletionStage<@Nullable V> fetch;
          try {
            fetch = cache.l2.async().get(k, loader);
          } catch (RuntimeException e) {
            ticket.close();
            throw e;
          }
          return fetch.whenComplete(
              (loaded, error) -> {
                try {
                  if (loaded != null) {
                    cache.fillL1(ticket, k, loaded);
                  }
                } finally {
                  ticket.close();
                }
              });
        });
  }

  @Override
  public CompletionStage<Map<K, V>> getAllPresent(Iterable<? extends K> keys) {
    return l1ThenL2Async(
        TieredCache.distinct(keys), missing -> cache.l2.async().getAllPresent(missing));
  }

  @Override
  public CompletionStage<Map<K, V>> getAll(
      Iterable<? extends K> keys,
      Function<? super Set<K>, ? extends CompletionStage<? extends Map<? extends K, ? extends V>>>
          loader) {
    Set<K> wanted = TieredCache.distinct(keys);
    Objects.requireNonNull(loader, "loader must not be null");
    return l1ThenL2Async(wanted, missing -> cache.l2.async().getAll(missing, loader));
  }

  /**
   * Takes what L1 holds of {@code wanted} and fetches the rest from L2 with {@code l2Fetch},
   * copying what it finds into L1 unless an invalidation of a key came in since the fetch started.
   */
  private CompletionStage<Map<K, V>> l1ThenL2Async(
      Set<K> wanted, Function<Set<K>, CompletionStage<Map<K, V>>> l2Fetch) {
    Map<K, V> result = new HashMap<>(cache.l1.getAllPresent(wanted));
    Set<K> missing = TieredCache.missing(wanted, result);
    if (missing.isEmpty()) {
      return CompletableFuture.completedFuture(result);
    }
    Map<K, L1FillFence.Ticket<K>> tickets = cache.open(missing);
    CompletionStage<Map<K, V>> fetch;
    try {
      fetch = l2Fetch.apply(missing);
    } catch (RuntimeException e) {
      TieredCache.close(tickets);
      throw e;
    }
    return fetch
        .whenComplete(
            (found, error) -> {
              try {
                if (found != null) {
                  cache.fillL1(found, tickets);
                }
              } finally {
                TieredCache.close(tickets);
              }
            })
        .thenApply(
            found -> {
              result.putAll(found);
              return result;
            });
  }

  @Override
  public CompletionStage<Void> put(K key, V value) {
    Objects.requireNonNull(key, "key must not be null");
    Objects.requireNonNull(value, "value must not be null");
    return afterwards(cache.l2.async().put(key, value), () -> cache.invalidated(key));
  }

  @Override
  public CompletionStage<Void> put(K key, V value, Duration ttl) {
    Objects.requireNonNull(key, "key must not be null");
    Objects.requireNonNull(value, "value must not be null");
    TieredCache.requirePositive(ttl);
    return afterwards(cache.l2.async().put(key, value, ttl), () -> cache.invalidated(key));
  }

  @Override
  public CompletionStage<Void> putAll(Map<? extends K, ? extends V> entries) {
    Objects.requireNonNull(entries, "entries must not be null");
    List<K> keys = new ArrayList<>(entries.size());
    for (Map.Entry<? extends K, ? extends V> entry : entries.entrySet()) {
      keys.add(Objects.requireNonNull(entry.getKey(), "key in entries must not be null"));
      Objects.requireNonNull(entry.getValue(), "value in entries must not be null");
    }
    if (keys.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return afterwards(cache.l2.async().putAll(entries), () -> cache.invalidated(keys));
  }

  @Override
  public CompletionStage<Void> invalidate(K key) {
    Objects.requireNonNull(key, "key must not be null");
    return afterwards(cache.l2.async().invalidate(key), () -> cache.invalidated(key));
  }

  @Override
  public CompletionStage<Void> invalidateAll(Iterable<? extends K> keys) {
    List<K> list = List.copyOf(TieredCache.distinct(keys));
    if (list.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return afterwards(cache.l2.async().invalidateAll(list), () -> cache.invalidated(list));
  }

  @Override
  public CompletionStage<Void> invalidateAll() {
    return afterwards(cache.l2.async().invalidateAll(), cache::invalidatedAll);
  }

  @Override
  public Cache<K, V> synchronous() {
    return cache;
  }

  /** Runs {@code invalidation} once the L2 call completed, whether or not it failed. */
  private CompletionStage<Void> afterwards(CompletionStage<Void> l2Call, Runnable invalidation) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    l2Call.whenComplete(
        (ignored, error) -> {
          Throwable failure = error;
          try {
            invalidation.run();
          } catch (RuntimeException e) {
            if (failure == null) {
              failure = e;
            } else {
              failure.addSuppressed(e);
            }
          }
          if (failure == null) {
            done.complete(null);
          } else {
            done.completeExceptionally(failure);
          }
        });
    return done;
  }
}
