package dev.strata.cache.spi;

import dev.strata.cache.AsyncCache;
import dev.strata.cache.Cache;
import dev.strata.cache.CacheLoader;
import dev.strata.cache.CacheStats;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Cache} that passes every call to another cache: the base of decorators, which override
 * the calls they change. Its {@link #async() asynchronous view} runs this decorator's blocking
 * methods on an executor, so overridden behaviour applies to both views.
 *
 * <p>Thread-safe if the delegate is; null handling and failures are the delegate's unless a
 * subclass says otherwise.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public abstract class ForwardingCache<K, V> implements Cache<K, V> {

  private final Cache<K, V> delegate;
  private final AsyncCache<K, V> async;

  /**
   * Creates a decorator of {@code delegate}.
   *
   * @param delegate the cache that holds the entries
   * @param asyncExecutor runs the calls of the asynchronous view
   * @throws NullPointerException if an argument is null
   */
  protected ForwardingCache(Cache<K, V> delegate, Executor asyncExecutor) {
    this.delegate = Objects.requireNonNull(delegate, "cache must not be null");
    this.async = new BlockingAsyncView<>(this, asyncExecutor);
  }

  /**
   * Returns the decorated cache.
   *
   * @return the delegate
   */
  protected final Cache<K, V> delegate() {
    return delegate;
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public @Nullable V getIfPresent(K key) {
    return delegate.getIfPresent(key);
  }

  @Override
  public @Nullable V get(K key, CacheLoader<? super K, ? extends V> loader) {
    return delegate.get(key, loader);
  }

  @Override
  public Map<K, V> getAllPresent(Iterable<? extends K> keys) {
    return delegate.getAllPresent(keys);
  }

  @Override
  public Map<K, V> getAll(Iterable<? extends K> keys, CacheLoader<? super K, ? extends V> loader) {
    return delegate.getAll(keys, loader);
  }

  @Override
  public void put(K key, V value) {
    delegate.put(key, value);
  }

  @Override
  public void put(K key, V value, Duration ttl) {
    delegate.put(key, value, ttl);
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> entries) {
    delegate.putAll(entries);
  }

  @Override
  public void invalidate(K key) {
    delegate.invalidate(key);
  }

  @Override
  public void invalidateAll(Iterable<? extends K> keys) {
    delegate.invalidateAll(keys);
  }

  @Override
  public void invalidateAll() {
    delegate.invalidateAll();
  }

  @Override
  public CacheStats stats() {
    return delegate.stats();
  }

  @Override
  public OptionalLong estimatedSize() {
    return delegate.estimatedSize();
  }

  @Override
  public final AsyncCache<K, V> async() {
    return async;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + delegate + "]";
  }
}
