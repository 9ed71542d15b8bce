package dev.strata.boot.cache;

import dev.strata.cache.Cache;
import dev.strata.cache.CacheLoadException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.cache.support.SimpleValueWrapper;

/**
 * A Spring {@link org.springframework.cache.Cache} over a Strata {@link Cache} keyed by strings.
 *
 * <ul>
 *   <li>Keys are turned into strings with their {@code toString()} (see {@link CacheKeys}).
 *   <li>{@link #get(Object, Callable)} ({@code @Cacheable(sync = true)}) is Strata's single-flight
 *       load: concurrent misses on a key in this process run the method once. A null result is kept
 *       as a Strata negative entry for the negative TTL when null values are allowed.
 *   <li>{@link #put} of null (e.g. {@code @CachePut} returning null) stores a null marker for the
 *       negative TTL, which {@link #get(Object)} returns as a cached null; with null values not
 *       allowed it throws {@link IllegalArgumentException}, as Spring's caches do.
 *   <li>{@link #putIfAbsent} is atomic per process (one single-flight load of the given value).
 *   <li>{@link #evictIfPresent} and {@link #invalidate} act at once, also inside a transaction.
 * </ul>
 *
 * Exceptions of the Strata cache reach the caller (a Redis cache degrades reads to misses and
 * throws only for evictions it could not do); Spring's {@code CacheErrorHandler} sees them. The
 * method's own exception in a synchronized load reaches its caller unchanged. Thread-safe.
 */
public final class StrataSpringCache implements org.springframework.cache.Cache {

  private final Cache<String, Object> cache;
  private final boolean allowNullValues;
  private final Duration negativeTtl;

  /**
   * Creates the adapter.
   *
   * @param cache the Strata cache, keyed by the strings {@link CacheKeys} makes
   * @param allowNullValues whether null values may be cached
   * @param negativeTtl how long a null is cached; zero caches none
   */
  StrataSpringCache(Cache<String, Object> cache, boolean allowNullValues, Duration negativeTtl) {
    this.cache = cache;
    this.allowNullValues = allowNullValues;
    this.negativeTtl = negativeTtl;
  }

  @Override
  public String getName() {
    return cache.name();
  }

  /**
   * Returns the Strata cache underneath, keyed by the string form of Spring keys.
   *
   * @return the Strata cache
   */
  @Override
  public Cache<String, Object> getNativeCache() {
    return cache;
  }

  /**
   * Returns whether null values may be cached.
   *
   * @return the setting
   */
  public boolean isAllowNullValues() {
    return allowNullValues;
  }

  private String key(Object key) {
    return CacheKeys.of(cache.name(), key);
  }

  @Override
  public @Nullable ValueWrapper get(Object key) {
    return wrap(cache.getIfPresent(key(key)));
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> @Nullable T get(Object key, @Nullable Class<T> type) {
    Object value = cache.getIfPresent(key(key));
    if (value == null || value == NullValueMarker.INSTANCE) {
      return null;
    }
    if (type != null && !type.isInstance(value)) {
      throw new IllegalStateException(
          "Cached value is not of required type [" + type.getName() + "]: " + value);
    }
    return (T) value;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> @Nullable T get(Object key, Callable<T> valueLoader) {
    Object value;
    try {
      value =
          cache.get(
              key(key),
              k -> {
                try {
                  return valueLoader.call();
                } catch (RuntimeException e) {
                  throw e;
                } catch (Exception e) {
                  throw new ValueRetrievalException(key, valueLoader, e);
                }
              });
    } catch (CacheLoadException e) {
      throw new ValueRetrievalException(key, valueLoader, e.getCause() != null ? e.getCause() : e);
    }
    return value == NullValueMarker.INSTANCE ? null : (T) value;
  }

  @Override
  public @Nullable CompletableFuture<?> retrieve(Object key) {
    return cache
        .async()
        .getIfPresent(key(key))
        .thenApply(value -> allowNullValues ? wrap(value) : unwrapMarker(value))
        .toCompletableFuture();
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
    return cache
        .async()
        .get(key(key), k -> valueLoader.get())
        .thenApply(value -> (T) unwrapMarker(value))
        .toCompletableFuture();
  }

  @Override
  public void put(Object key, @Nullable Object value) {
    String k = key(key);
    if (value != null) {
      cache.put(k, value);
    } else {
      putNull(k);
    }
  }

  private void putNull(String key) {
    if (!allowNullValues) {
      throw new IllegalArgumentException(
          "Cache '"
              + cache.name()
              + "' is configured to not allow null values (strata.cache.allow-null-values=false)"
              + " but null was provided; avoid storing null via"
              + " '@Cacheable(unless=\"#result == null\")'");
    }
    if (negativeTtl.isZero()) {
      cache.invalidate(key);
    } else {
      cache.put(key, NullValueMarker.INSTANCE, negativeTtl);
    }
  }

  @Override
  public @Nullable ValueWrapper putIfAbsent(Object key, @Nullable Object value) {
    if (value == null && !allowNullValues) {
      putNull(key(key));
    }
    AtomicBoolean stored = new AtomicBoolean();
    Object existing =
        cache.get(
            key(key),
            k -> {
              stored.set(true);
              return value;
            });
    return stored.get() ? null : wrapPresent(existing);
  }

  @Override
  public void evict(Object key) {
    cache.invalidate(key(key));
  }

  @Override
  public boolean evictIfPresent(Object key) {
    String k = key(key);
    boolean present = cache.getIfPresent(k) != null;
    cache.invalidate(k);
    return present;
  }

  @Override
  public void clear() {
    cache.invalidateAll();
  }

  @Override
  public boolean invalidate() {
    boolean hadEntries = cache.estimatedSize().orElse(0) > 0;
    cache.invalidateAll();
    return hadEntries;
  }

  private static @Nullable ValueWrapper wrap(@Nullable Object value) {
    if (value == null) {
      return null;
    }
    return new SimpleValueWrapper(value == NullValueMarker.INSTANCE ? null : value);
  }

  private static ValueWrapper wrapPresent(@Nullable Object value) {
    return new SimpleValueWrapper(value == NullValueMarker.INSTANCE ? null : value);
  }

  private static @Nullable Object unwrapMarker(@Nullable Object value) {
    return value == NullValueMarker.INSTANCE ? null : value;
  }

  @Override
  public String toString() {
    return "StrataSpringCache[" + cache + "]";
  }
}
