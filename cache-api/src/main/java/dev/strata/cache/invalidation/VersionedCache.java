package dev.strata.cache.invalidation;

import dev.strata.cache.AsyncCache;
import dev.strata.cache.Cache;
import dev.strata.cache.CacheLoader;
import dev.strata.cache.CacheStats;
import dev.strata.cache.KeyCodec;
import dev.strata.cache.internal.Checks;
import dev.strata.cache.spi.BlockingAsyncView;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A cache whose stored keys carry versions from a {@link VersionStore}, so that invalidating a
 * whole cache is one counter increment: {@link #invalidateAll()} bumps the namespace's version and
 * every entry stored under the old version is orphaned at once (it is never read again and leaves
 * the store by its TTL or by eviction, so give the store a TTL or a size bound).
 *
 * <p>A key {@code k} is stored as {@code <namespace version>:<encoded k>}, or with per-key versions
 * on as {@code <namespace version>:<key version>:<encoded k>}. {@link #invalidate(Object)} deletes
 * the stored entry, and with per-key versions also bumps the key's version: that orphans copies
 * other processes keep under the old stored key (in a near cache, say) without reaching them, at
 * the cost of one more version lookup per access. With a shared {@link VersionStore} (Redis) every
 * node sees a bump within the store's own caching delay.
 *
 * <pre>{@code
 * VersionedCache<Long, User> users =
 *     VersionedCache.builder(redisCache, KeyCodec.longs(), versionStore).build();
 * users.invalidateAll();   // O(1): one INCR, however many entries
 * }</pre>
 *
 * <p>Thread-safe if the store and version store are. Nulls, failures, statistics and expiry are
 * those of the decorated cache; a null key is rejected before any version is read.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class VersionedCache<K, V> implements Cache<K, V> {

  private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9._:-]{1,200}");

  private final Cache<String, V> store;
  private final KeyCodec<K> codec;
  private final VersionStore versions;
  private final String namespace;
  private final String keyVersionPrefix;
  private final boolean keyVersions;
  private final AsyncCache<K, V> async;

  private VersionedCache(Builder<K, V> builder, String namespace) {
    this.store = builder.store;
    this.codec = builder.codec;
    this.versions = builder.versions;
    this.namespace = namespace;
    this.keyVersionPrefix = namespace + "/";
    this.keyVersions = builder.keyVersions;
    this.async = new BlockingAsyncView<>(this, builder.asyncExecutor);
  }

  /**
   * Starts a builder.
   *
   * @param store the cache of stored (string) keys that holds the entries
   * @param codec encodes keys into the stored keys
   * @param versions holds the namespace's and keys' versions
   * @param <K> the key type
   * @param <V> the value type
   * @return the builder
   * @throws NullPointerException if an argument is null
   */
  public static <K, V> Builder<K, V> builder(
      Cache<String, V> store, KeyCodec<K> codec, VersionStore versions) {
    return new Builder<>(store, codec, versions);
  }

  /**
   * Returns the stored key of {@code key} under the current versions (for diagnostics and tests).
   *
   * @param key the key
   * @return the string the store holds the entry under
   * @throws NullPointerException if {@code key} is null
   */
  public String storedKey(K key) {
    Objects.requireNonNull(key, "key must not be null");
    String encoded = codec.encode(key);
    long namespaceVersion = versions.version(namespace);
    if (!keyVersions) {
      return namespaceVersion + ":" + encoded;
    }
    return namespaceVersion + ":" + versions.version(keyVersionPrefix + encoded) + ":" + encoded;
  }

  /**
   * Returns the namespace whose version {@link #invalidateAll()} bumps.
   *
   * @return the namespace (by default the store's name)
   */
  public String namespace() {
    return namespace;
  }

  @Override
  public String name() {
    return store.name();
  }

  @Override
  public @Nullable V getIfPresent(K key) {
    return store.getIfPresent(storedKey(key));
  }

  @Override
  public @Nullable V get(K key, CacheLoader<? super K, ? extends V> loader) {
    Objects.requireNonNull(loader, "loader must not be null");
    return store.get(storedKey(key), stored -> loader.load(key));
  }

  @Override
  public Map<K, V> getAllPresent(Iterable<? extends K> keys) {
    Map<String, K> byStored = storedKeys(keys);
    return toKeys(store.getAllPresent(byStored.keySet()), byStored);
  }

  @Override
  public Map<K, V> getAll(Iterable<? extends K> keys, CacheLoader<? super K, ? extends V> loader) {
    Map<String, K> byStored = storedKeys(keys);
    Objects.requireNonNull(loader, "loader must not be null");
    CacheLoader<String, V> storedLoader =
        new CacheLoader<>() {
          @Override
          public @Nullable V load(String stored) throws Exception {
            return loader.load(byStored.get(stored));
          }

          @Override
          public Map<String, V> loadAll(Set<? extends String> missing) throws Exception {
            Set<K> wanted = new LinkedHashSet<>();
            Map<K, String> back = new HashMap<>();
            for (String stored : missing) {
              K key = byStored.get(stored);
              if (key != null) {
                wanted.add(key);
                back.put(key, stored);
              }
            }
            Map<String, V> loaded = new HashMap<>();
            for (Map.Entry<? super K, ? extends V> entry : loader.loadAll(wanted).entrySet()) {
              String stored = back.get(entry.getKey());
              if (stored != null && entry.getValue() != null) {
                loaded.put(stored, entry.getValue());
              }
            }
            return loaded;
          }
        };
    return toKeys(store.getAll(byStored.keySet(), storedLoader), byStored);
  }

  @Override
  public void put(K key, V value) {
    Objects.requireNonNull(value, "value must not be null");
    store.put(storedKey(key), value);
  }

  @Override
  public void put(K key, V value, Duration ttl) {
    Objects.requireNonNull(value, "value must not be null");
    Checks.positiveTtl(ttl);
    store.put(storedKey(key), value, ttl);
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> entries) {
    Checks.entries(entries);
    Map<String, V> stored = new LinkedHashMap<>();
    for (Map.Entry<? extends K, ? extends V> entry : entries.entrySet()) {
      stored.put(storedKey(entry.getKey()), entry.getValue());
    }
    store.putAll(stored);
  }

  /**
   * Deletes the stored entry of {@code key}; with per-key versions, also bumps the key's version so
   * that copies under the old stored key anywhere are orphaned.
   */
  @Override
  public void invalidate(K key) {
    String stored = storedKey(key);
    if (keyVersions) {
      versions.bump(keyVersionPrefix + codec.encode(key));
    }
    store.invalidate(stored);
  }

  @Override
  public void invalidateAll(Iterable<? extends K> keys) {
    Checks.keys(keys);
    for (K key : keys) {
      invalidate(key);
    }
  }

  /** Bumps the namespace's version: every entry stored so far is orphaned, in O(1). */
  @Override
  public void invalidateAll() {
    versions.bump(namespace);
  }

  /** Returns the store's statistics. */
  @Override
  public CacheStats stats() {
    return store.stats();
  }

  /** Returns the store's estimate, which counts orphaned entries until they leave. */
  @Override
  public OptionalLong estimatedSize() {
    return store.estimatedSize();
  }

  @Override
  public AsyncCache<K, V> async() {
    return async;
  }

  private Map<String, K> storedKeys(Iterable<? extends K> keys) {
    Checks.keys(keys);
    Map<String, K> byStored = new LinkedHashMap<>();
    for (K key : keys) {
      byStored.put(storedKey(key), key);
    }
    return byStored;
  }

  private static <K, V> Map<K, V> toKeys(Map<String, V> stored, Map<String, K> byStored) {
    Map<K, V> result = new LinkedHashMap<>();
    for (Map.Entry<String, V> entry : stored.entrySet()) {
      K key = byStored.get(entry.getKey());
      if (key != null) {
        result.put(key, entry.getValue());
      }
    }
    return result;
  }

  /**
   * Builds a {@link VersionedCache}; validated in {@link #build()}. Not thread-safe.
   *
   * @param <K> the key type
   * @param <V> the value type
   */
  public static final class Builder<K, V> {
    private final Cache<String, V> store;
    private final KeyCodec<K> codec;
    private final VersionStore versions;
    private @Nullable String namespace;
    private boolean keyVersions;
    private Executor asyncExecutor = ForkJoinPool.commonPool();

    private Builder(Cache<String, V> store, KeyCodec<K> codec, VersionStore versions) {
      this.store = Objects.requireNonNull(store, "store must not be null");
      this.codec = Objects.requireNonNull(codec, "codec must not be null");
      this.versions = Objects.requireNonNull(versions, "versions must not be null");
    }

    /**
     * Sets the namespace whose version is part of every stored key; the store's name by default.
     *
     * @param namespace 1 to 200 letters, digits, {@code . _ : -}
     * @return this builder
     */
    public Builder<K, V> namespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    /**
     * Turns per-key versions on or off (off by default); see the class description.
     *
     * @param keyVersions whether each key's version is part of its stored key
     * @return this builder
     */
    public Builder<K, V> keyVersions(boolean keyVersions) {
      this.keyVersions = keyVersions;
      return this;
    }

    /**
     * Sets the executor of the asynchronous view; the common fork-join pool by default.
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
     * @return the versioned cache
     * @throws IllegalArgumentException if the namespace is malformed
     */
    public VersionedCache<K, V> build() {
      Objects.requireNonNull(asyncExecutor, "asyncExecutor must not be null");
      String ns = namespace != null ? namespace : store.name();
      if (!NAMESPACE.matcher(ns).matches()) {
        throw new IllegalArgumentException(
            "namespace must be 1 to 200 letters, digits, '.', '_', ':' or '-' but was '"
                + ns
                + "'");
      }
      return new VersionedCache<>(this, ns);
    }
  }
}
