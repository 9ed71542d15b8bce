package dev.strata.cache.strategy;

import dev.strata.cache.Cache;
import dev.strata.cache.CacheWriteException;
import dev.strata.cache.CacheWriter;
import dev.strata.cache.internal.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import org.jspecify.annotations.Nullable;

/**
 * A write-through cache: every write goes to the {@link CacheWriter} (the database) first and only
 * then into the cache, so the cache never holds a value the database refused.
 *
 * <p>{@link #put(Object, Object) put}, {@link #put(Object, Object, Duration) put with TTL} and
 * {@link #putAll(Map) putAll} write through; {@link #delete(Object) delete} and {@link
 * #deleteAll(Iterable) deleteAll} delete through the writer and then invalidate the cache. If the
 * writer fails, the cache is left untouched and the failure reaches the caller: unchecked
 * exceptions as they are, checked ones wrapped in {@link CacheWriteException}. {@link
 * #invalidate(Object)} only drops the cached copy, as on any cache. Writes to one key from several
 * threads of this process are serialised, so the cache ends with the value the database got last.
 *
 * <pre>{@code
 * WriteThroughCache<Long, User> users = WriteThroughCache.builder(cache, jdbcStore).build();
 * users.put(42L, user);   // INSERT ... ON CONFLICT, then cached
 * users.delete(42L);      // DELETE, then invalidated
 * }</pre>
 *
 * <p>Thread-safe. Nulls are rejected as {@link Cache} describes, before the writer is called.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class WriteThroughCache<K, V> extends KeySerializedWriteCache<K, V> {

  private final CacheWriter<? super K, ? super V> writer;

  private WriteThroughCache(Builder<K, V> builder) {
    super(builder.cache, builder.asyncExecutor);
    this.writer = builder.writer;
  }

  /**
   * Starts a builder of a write-through cache.
   *
   * @param cache the cache that holds the entries
   * @param writer writes to the system of record
   * @param <K> the key type
   * @param <V> the value type
   * @return the builder
   * @throws NullPointerException if an argument is null
   */
  public static <K, V> Builder<K, V> builder(
      Cache<K, V> cache, CacheWriter<? super K, ? super V> writer) {
    return new Builder<>(cache, writer);
  }

  /**
   * Writes {@code value} through the writer, then caches it with the default TTL.
   *
   * @throws NullPointerException if {@code key} or {@code value} is null
   * @throws CacheWriteException if the writer threw a checked exception; the cache is unchanged
   * @throws RuntimeException the writer's unchecked exception; the cache is unchanged
   */
  @Override
  public void put(K key, V value) {
    recordAndPut(key, value);
  }

  /**
   * Writes {@code value} through the writer, then caches it for {@code ttl}.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code ttl} is not positive (nothing is written)
   * @throws CacheWriteException if the writer threw a checked exception; the cache is unchanged
   */
  @Override
  public void put(K key, V value, Duration ttl) {
    recordAndPut(key, value, ttl);
  }

  /**
   * Writes every entry through the writer's {@link CacheWriter#writeAll(Map)} in one batch, then
   * caches them. Concurrent single-key writes to the same keys are not serialised with a batch.
   *
   * @throws NullPointerException if {@code entries} or a key or value in it is null
   * @throws CacheWriteException if the writer threw a checked exception; the cache is unchanged
   */
  @Override
  public void putAll(Map<? extends K, ? extends V> entries) {
    Checks.entries(entries);
    if (entries.isEmpty()) {
      return;
    }
    Map<K, V> copy = new LinkedHashMap<>(entries);
    write(() -> writer.writeAll(copy));
    delegate().putAll(copy);
  }

  /**
   * Deletes {@code key} through the writer, then invalidates it in the cache.
   *
   * @param key the key to delete
   * @throws NullPointerException if {@code key} is null
   * @throws CacheWriteException if the writer threw a checked exception; the cache is unchanged
   */
  public void delete(K key) {
    recordAndInvalidate(key);
  }

  /**
   * Deletes {@code keys} through the writer's {@link CacheWriter#deleteAll} in one batch, then
   * invalidates them in the cache.
   *
   * @param keys the keys to delete
   * @throws NullPointerException if {@code keys} or a key is null
   * @throws CacheWriteException if the writer threw a checked exception; the cache is unchanged
   */
  public void deleteAll(Iterable<? extends K> keys) {
    Checks.keys(keys);
    Set<K> distinct = new LinkedHashSet<>();
    keys.forEach(distinct::add);
    if (distinct.isEmpty()) {
      return;
    }
    List<K> list = new ArrayList<>(distinct);
    write(() -> writer.deleteAll(list));
    delegate().invalidateAll(list);
  }

  @Override
  boolean record(K key, @Nullable V value, long startNanos) {
    if (value == null) {
      write(() -> writer.delete(key));
    } else {
      write(() -> writer.write(key, value));
    }
    return true;
  }

  private void write(WriterCall call) {
    try {
      call.run();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new CacheWriteException("write-through of cache '" + name() + "' failed: " + e, e);
    }
  }

  @FunctionalInterface
  private interface WriterCall {
    void run() throws Exception;
  }

  /**
   * Builds a {@link WriteThroughCache}; validated in {@link #build()}. Not thread-safe.
   *
   * @param <K> the key type
   * @param <V> the value type
   */
  public static final class Builder<K, V> {
    private final Cache<K, V> cache;
    private final CacheWriter<? super K, ? super V> writer;
    private Executor asyncExecutor = ForkJoinPool.commonPool();

    private Builder(Cache<K, V> cache, CacheWriter<? super K, ? super V> writer) {
      this.cache = Objects.requireNonNull(cache, "cache must not be null");
      this.writer = Objects.requireNonNull(writer, "writer must not be null");
    }

    /**
     * Sets the executor that runs the calls of the asynchronous view (which block on the writer);
     * the common fork-join pool by default.
     *
     * @param asyncExecutor the executor
     * @return this builder
     */
    public Builder<K, V> asyncExecutor(Executor asyncExecutor) {
      this.asyncExecutor = asyncExecutor;
      return this;
    }

    /**
     * Validates the settings and builds the cache.
     *
     * @return the write-through cache
     * @throws NullPointerException if the async executor was set to null
     */
    public WriteThroughCache<K, V> build() {
      Objects.requireNonNull(asyncExecutor, "asyncExecutor must not be null");
      return new WriteThroughCache<>(this);
    }
  }
}
