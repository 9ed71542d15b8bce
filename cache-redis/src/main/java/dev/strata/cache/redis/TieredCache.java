package dev.strata.cache.redis;

import dev.strata.cache.AsyncCache;
import dev.strata.cache.Cache;
import dev.strata.cache.CacheLoader;
import dev.strata.cache.CacheStats;
import dev.strata.cache.KeyCodec;
import dev.strata.cache.invalidation.InvalidationBus;
import dev.strata.cache.invalidation.InvalidationEvent;
import dev.strata.cache.redis.internal.L1FillFence;
import dev.strata.cache.spi.SingleFlight;
import dev.strata.redis.LogThrottle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A two-level cache: a fast local L1 (normally a {@code LocalCache}) in front of a shared L2
 * (normally a {@code RedisCache}), kept coherent across nodes by an {@link InvalidationBus}
 * (normally a {@link RedisInvalidationBus}).
 *
 * <p><b>Reads</b> look in L1, then in L2, then call the loader, filling L2 (through the L2's own
 * {@link Cache#get(Object, CacheLoader)}, so its TTL and negative caching apply) and L1. Concurrent
 * misses on one key in this process make one trip through L2 and at most one load. An L1 hit costs
 * what the L1 alone costs. A value found in or loaded into L2 is copied into L1 for {@code l1Ttl},
 * which should be shorter than L2's TTL: it bounds how stale an L1 copy can get even if an
 * invalidation message is lost. "Not found" answers are not kept in L1 (the L2 may cache them).
 *
 * <p><b>Writes and invalidations</b> ({@code put}, {@code putAll}, {@code invalidate*}) go to L2,
 * then drop this node's L1 copy, detach this node's lookups of the keys in flight (a lookup after
 * the write returned starts a new one: read-your-writes on the node) and publish an {@link
 * InvalidationEvent} on the bus so that every other node drops its L1 copy within one message
 * delay. Fills (copying from L2 to L1, and loads) are not writes and publish nothing. When the bus
 * reports a gap (events may have been missed, after a reconnect) the whole L1 is cleared. A fetch
 * that an invalidation overtook does not leave its (possibly stale) value in L1: once this node has
 * applied an invalidation of a key (its own write, or another node's event), it never copies into
 * L1 a value of that key fetched from L2 or loaded before, and this check is per key (a write to
 * one key never keeps another key out of L1); a lookup after it does not join a lookup of the key
 * that was in flight before it, in this cache nor in a {@link RedisCache} L2, but starts anew.
 * Since the publishing node sends its event only after L2 confirmed the write, a fetch that starts
 * after the event was applied reads L2 after the write. The delay of the event itself is the only
 * window in which another node's L1 may serve the older value; {@link RedisInvalidationBus}
 * measures it.
 *
 * <p><b>Ownership.</b> L1 and L2 must be used only through this cache (direct writes to them are
 * not broadcast, and the statistics assume it). Keys cross the bus in their {@link KeyCodec} form;
 * every node must use the same cache name and codec. {@link #close()} ends the bus subscription;
 * L1, L2 and the bus stay the caller's to close.
 *
 * <p><b>Statistics.</b> {@link #stats()} counts a lookup once: a hit if L1 or L2 had the value, a
 * miss if neither had; loads are those of L2. Each level's own statistics are available from {@link
 * #l1Stats()} and {@link #l2Stats()}.
 *
 * <p><b>Nulls, threads, failures.</b> As {@link Cache}: null arguments are rejected with a {@link
 * NullPointerException} naming the argument; thread-safe; a loader's exception reaches the caller.
 * Failures of L2 are those of the L2 (a {@code RedisCache} degrades to misses and skipped writes);
 * a write whose L2 call throws still drops the L1 copies before the exception reaches the caller. A
 * loader that asks for its own key from its own thread fails with an {@link IllegalStateException}
 * naming the cache; a {@link Builder#loadTimeout load timeout} frees waiters.
 *
 * <pre>{@code
 * TieredCache<String, User> users = TieredCache.builder(localUsers, redisUsers)
 *     .bus(bus)
 *     .keyCodec(KeyCodec.string())
 *     .l1Ttl(Duration.ofSeconds(10))
 *     .build();
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class TieredCache<K, V> implements Cache<K, V>, AutoCloseable {

  /** The default time a value stays in L1. */
  public static final Duration DEFAULT_L1_TTL = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(TieredCache.class);

  final String name;
  final Cache<K, V> l1;
  final Cache<K, V> l2;
  final InvalidationBus bus;
  private final KeyCodec<K> keyCodec;
  private final Duration l1Ttl;
  final SingleFlight<K, V> flight;
  final L1FillFence<K> fence = new L1FillFence<>();

  /** The L2 when it is a {@link RedisCache}, whose loads in flight an invalidation detaches. */
  private final @Nullable RedisCache<K, V> redisL2;

  private final LogThrottle badKeyLog = new LogThrottle(Duration.ofSeconds(10));
  private final TieredCacheAsyncView<K, V> asyncView = new TieredCacheAsyncView<>(this);
  private final InvalidationBus.Subscription subscription;

  private TieredCache(Builder<K, V> builder) {
    this.name = Objects.requireNonNull(builder.name);
    this.l1 = builder.l1;
    this.l2 = builder.l2;
    this.redisL2 = builder.l2 instanceof RedisCache<K, V> redis ? redis : null;
    this.bus = Objects.requireNonNull(builder.bus);
    this.keyCodec = Objects.requireNonNull(builder.keyCodec);
    this.l1Ttl = builder.l1Ttl;
    this.flight = new SingleFlight<>(name, builder.loadTimeout);
    this.subscription = bus.subscribe(name, new PeerListener());
  }

  /**
   * Returns a builder of a two-level cache over the two given caches.
   *
   * @param l1 the local level, used only through the new cache
   * @param l2 the shared level, used only through the new cache
   * @param <K> the key type
   * @param <V> the value type
   * @return a new builder; {@link Builder#build()} checks the arguments
   */
  public static <K, V> Builder<K, V> builder(Cache<K, V> l1, Cache<K, V> l2) {
    return new Builder<>(l1, l2);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public @Nullable V getIfPresent(K key) {
    V value = l1.getIfPresent(Objects.requireNonNull(key, "key must not be null"));
    if (value != null) {
      return value;
    }
    try (L1FillFence.Ticket<K> ticket = fence.open(key)) {
      value = l2.getIfPresent(key);
      if (value != null) {
        fillL1(ticket, key, value);
      }
      return value;
    }
  }

  @Override
  public @Nullable V get(K key, CacheLoader<? super K, ? extends V> loader) {
    V value = l1.getIfPresent(Objects.requireNonNull(key, "key must not be null"));
    if (value != null) {
      return value;
    }
    Objects.requireNonNull(loader, "loader must not be null");
    return flight.load(
        key,
        k -> {
          try (L1FillFence.Ticket<K> ticket = fence.open(k)) {
            V loaded = l2.get(k, loader);
            if (loaded != null) {
              fillL1(ticket, k, loaded);
            }
            return loaded;
          }
        });
  }

  @Override
  public Map<K, V> getAllPresent(Iterable<? extends K> keys) {
    return l1ThenL2(distinct(keys), l2::getAllPresent);
  }

  @Override
  public Map<K, V> getAll(Iterable<? extends K> keys, CacheLoader<? super K, ? extends V> loader) {
    Set<K> wanted = distinct(keys);
    Objects.requireNonNull(loader, "loader must not be null");
    return l1ThenL2(wanted, missing -> l2.getAll(missing, loader));
  }

  @Override
  public void put(K key, V value) {
    Objects.requireNonNull(key, "key must not be null");
    Objects.requireNonNull(value, "value must not be null");
    try {
      l2.put(key, value);
    } finally {
      invalidated(key);
    }
  }

  @Override
  public void put(K key, V value, Duration ttl) {
    Objects.requireNonNull(key, "key must not be null");
    Objects.requireNonNull(value, "value must not be null");
    requirePositive(ttl);
    try {
      l2.put(key, value, ttl);
    } finally {
      invalidated(key);
    }
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> entries) {
    Objects.requireNonNull(entries, "entries must not be null");
    List<K> keys = new ArrayList<>(entries.size());
    for (Map.Entry<? extends K, ? extends V> entry : entries.entrySet()) {
      keys.add(Objects.requireNonNull(entry.getKey(), "key in entries must not be null"));
      Objects.requireNonNull(entry.getValue(), "value in entries must not be null");
    }
    if (keys.isEmpty()) {
      return;
    }
    try {
      l2.putAll(entries);
    } finally {
      invalidated(keys);
    }
  }

  @Override
  public void invalidate(K key) {
    Objects.requireNonNull(key, "key must not be null");
    try {
      l2.invalidate(key);
    } finally {
      invalidated(key);
    }
  }

  @Override
  public void invalidateAll(Iterable<? extends K> keys) {
    List<K> list = List.copyOf(distinct(keys));
    if (list.isEmpty()) {
      return;
    }
    try {
      l2.invalidateAll(list);
    } finally {
      invalidated(list);
    }
  }

  @Override
  public void invalidateAll() {
    try {
      l2.invalidateAll();
    } finally {
      invalidatedAll();
    }
  }

  @Override
  public CacheStats stats() {
    CacheStats first = l1.stats();
    CacheStats second = l2.stats();
    return new CacheStats(
        first.hitCount() + second.hitCount(),
        second.missCount(),
        second.loadSuccessCount(),
        second.loadFailureCount(),
        second.totalLoadTimeNanos(),
        first.evictionCount() + second.evictionCount());
  }

  /**
   * Returns the statistics of the local level.
   *
   * @return the L1's own snapshot
   */
  public CacheStats l1Stats() {
    return l1.stats();
  }

  /**
   * Returns the statistics of the shared level.
   *
   * @return the L2's own snapshot
   */
  public CacheStats l2Stats() {
    return l2.stats();
  }

  /**
   * Returns how long a value copied into L1 stays there at most.
   *
   * @return the L1 TTL
   */
  public Duration l1Ttl() {
    return l1Ttl;
  }

  @Override
  public AsyncCache<K, V> async() {
    return asyncView;
  }

  /**
   * Ends this cache's subscription to the bus, after which other nodes' writes no longer drop its
   * L1 copies; idempotent. Does not close L1, L2 or the bus.
   */
  @Override
  public void close() {
    subscription.close();
  }

  @Override
  public String toString() {
    return "TieredCache{name=" + name + ", l1Ttl=" + l1Ttl + '}';
  }

  /**
   * Takes what L1 holds of {@code wanted} and fetches the rest from L2 with {@code l2Fetch},
   * copying what it finds into L1 unless an invalidation of a key came in since the fetch started.
   */
  private Map<K, V> l1ThenL2(Set<K> wanted, Function<Set<K>, Map<K, V>> l2Fetch) {
    Map<K, V> result = new HashMap<>(l1.getAllPresent(wanted));
    Set<K> missing = missing(wanted, result);
    if (!missing.isEmpty()) {
      Map<K, L1FillFence.Ticket<K>> tickets = open(missing);
      try {
        Map<K, V> found = l2Fetch.apply(missing);
        fillL1(found, tickets);
        result.putAll(found);
      } finally {
        close(tickets);
      }
    }
    return result;
  }

  /**
   * Copies a value fetched under {@code ticket} into L1, unless an invalidation of the key was
   * applied on this node since the ticket was opened (the fence makes the check and the copy atomic
   * with respect to applying an invalidation).
   */
  void fillL1(L1FillFence.Ticket<K> ticket, K key, V value) {
    fence.fill(ticket, () -> l1.put(key, value, l1Ttl), () -> l1.invalidate(key));
  }

  void fillL1(Map<K, V> found, Map<K, L1FillFence.Ticket<K>> tickets) {
    for (Map.Entry<K, V> entry : found.entrySet()) {
      L1FillFence.Ticket<K> ticket = tickets.get(entry.getKey());
      if (ticket != null && entry.getValue() != null) {
        fillL1(ticket, entry.getKey(), entry.getValue());
      }
    }
  }

  Map<K, L1FillFence.Ticket<K>> open(Set<K> keys) {
    Map<K, L1FillFence.Ticket<K>> tickets = new HashMap<>(Math.max(4, keys.size() * 2));
    for (K key : keys) {
      tickets.put(key, fence.open(key));
    }
    return tickets;
  }

  static <K> void close(Map<K, L1FillFence.Ticket<K>> tickets) {
    tickets.values().forEach(L1FillFence.Ticket::close);
  }

  /**
   * After this node's own write of {@code key} reached L2 (or failed): drops the L1 copy, detaches
   * this node's lookup of the key in flight (see {@link #dropLocal}) and tells the other nodes.
   */
  void invalidated(K key) {
    dropLocal(key);
    bus.publish(InvalidationEvent.keys(name, List.of(keyCodec.encode(key)), bus.nodeId()));
  }

  void invalidated(List<K> keys) {
    List<String> encoded = new ArrayList<>(keys.size());
    for (K key : keys) {
      dropLocal(key);
      encoded.add(keyCodec.encode(key));
    }
    bus.publish(InvalidationEvent.keys(name, encoded, bus.nodeId()));
  }

  /** As {@link #invalidated(Object)}, for every key. */
  void invalidatedAll() {
    clearL1();
    bus.publish(InvalidationEvent.all(name, bus.nodeId()));
  }

  /**
   * Applies an invalidation of {@code key} (this node's write, or another node's event): no value
   * fetched before it enters L1 (the fence), the L1 copy is dropped, and the lookup of the key in
   * flight, in this cache and in a {@link RedisCache} L2, is detached, so a lookup after it starts
   * anew instead of joining one that may have read the old value (read-your-writes on the node).
   */
  private void dropLocal(K key) {
    fence.invalidated(key);
    l1.invalidate(key);
    flight.detach(key);
    if (redisL2 != null) {
      redisL2.detach(key);
    }
  }

  /** As {@link #dropLocal}, for every key (an {@code invalidateAll} or a bus gap). */
  void clearL1() {
    fence.invalidatedAll();
    l1.invalidateAll();
    flight.detachAll();
    if (redisL2 != null) {
      redisL2.detachAll();
    }
  }

  static <K> Set<K> distinct(Iterable<? extends K> keys) {
    Objects.requireNonNull(keys, "keys must not be null");
    Set<K> set = new LinkedHashSet<>();
    for (K key : keys) {
      set.add(Objects.requireNonNull(key, "key in keys must not be null"));
    }
    return set;
  }

  static <K> Set<K> missing(Set<K> wanted, Map<K, ?> found) {
    if (found.size() == wanted.size()) {
      return Set.of();
    }
    Set<K> missing = new LinkedHashSet<>();
    for (K key : wanted) {
      if (!found.containsKey(key)) {
        missing.add(key);
      }
    }
    return missing;
  }

  static void requirePositive(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl must not be null");
    if (ttl.isZero() || ttl.isNegative()) {
      throw new IllegalArgumentException("ttl must be positive but was " + ttl);
    }
  }

  /** Drops L1 copies when another node writes, and everything after a gap. */
  private final class PeerListener implements InvalidationBus.Subscriber {
    @Override
    public void onEvent(InvalidationEvent event) {
      if (event.all()) {
        clearL1();
        return;
      }
      for (String encoded : event.keys()) {
        K key;
        try {
          key = keyCodec.decode(encoded);
        } catch (RuntimeException e) {
          if (badKeyLog.permit()) {
            LOG.warn(
                "Cache {}: ignored an invalidation of a key the key codec cannot decode: {}"
                    + " ({} similar not logged)",
                name,
                e.getMessage(),
                badKeyLog.takeSuppressed());
          }
          continue;
        }
        dropLocal(key);
      }
    }

    @Override
    public void onGap() {
      clearL1();
    }
  }

  /**
   * Builds a {@link TieredCache}. Not thread-safe; validated in {@link #build()}, which also
   * subscribes the new cache to the bus.
   *
   * @param <K> the key type
   * @param <V> the value type
   */
  public static final class Builder<K, V> {
    private final @Nullable Cache<K, V> l1;
    private final @Nullable Cache<K, V> l2;
    private @Nullable String name;
    private @Nullable InvalidationBus bus;
    private @Nullable KeyCodec<K> keyCodec;
    private Duration l1Ttl = DEFAULT_L1_TTL;
    private @Nullable Duration loadTimeout;

    private Builder(@Nullable Cache<K, V> l1, @Nullable Cache<K, V> l2) {
      this.l1 = l1;
      this.l2 = l2;
    }

    /**
     * Sets the name of the cache, which is also the name of its invalidation channel: every node
     * must use the same one.
     *
     * @param name non-empty; defaults to the L2's name
     * @return this builder
     */
    public Builder<K, V> name(String name) {
      this.name = name;
      return this;
    }

    /**
     * Sets the bus that carries invalidations between nodes. Required.
     *
     * @param bus normally a {@link RedisInvalidationBus}, shared by the caches of this process
     * @return this builder
     */
    public Builder<K, V> bus(InvalidationBus bus) {
      this.bus = bus;
      return this;
    }

    /**
     * Sets the codec that turns keys into the strings carried by invalidation events. Required;
     * every node must use the same one.
     *
     * @param keyCodec the codec
     * @return this builder
     */
    public Builder<K, V> keyCodec(KeyCodec<K> keyCodec) {
      this.keyCodec = keyCodec;
      return this;
    }

    /**
     * Sets how long a value copied from L2 stays in L1: the bound on staleness of an L1 copy when
     * an invalidation is lost. Keep it shorter than L2's TTL.
     *
     * @param l1Ttl positive; defaults to 10 seconds
     * @return this builder
     */
    public Builder<K, V> l1Ttl(Duration l1Ttl) {
      this.l1Ttl = l1Ttl;
      return this;
    }

    /**
     * Bounds how long callers of this node wait for a lookup through L2 in flight ({@code get} and
     * the asynchronous {@code get}). One that has not completed within {@code loadTimeout} is
     * failed for every caller waiting for it, with a {@link dev.strata.cache.CacheLoadException}
     * whose cause is a {@link java.util.concurrent.TimeoutException}, and forgotten, so the next
     * lookup starts a new one; the thread running it is not interrupted. Give the L2 a load timeout
     * too ({@link RedisCache.Builder#loadTimeout}): the L2 then also gives up the hung load's
     * lease, and the next lookup does not join that load in the L2.
     *
     * @param loadTimeout a positive duration, or {@code null} for no limit (the default)
     * @return this builder
     */
    public Builder<K, V> loadTimeout(@Nullable Duration loadTimeout) {
      this.loadTimeout = loadTimeout;
      return this;
    }

    /**
     * Validates the settings, subscribes to the bus and returns the cache.
     *
     * @return the cache
     * @throws NullPointerException naming a required setting that is missing
     * @throws IllegalArgumentException naming a setting that is out of range
     */
    public TieredCache<K, V> build() {
      Objects.requireNonNull(l1, "l1 must not be null");
      Objects.requireNonNull(l2, "l2 must not be null");
      if (l1 == l2) {
        throw new IllegalArgumentException(
            "l1 and l2 must be different caches but both were " + l1.name());
      }
      Objects.requireNonNull(bus, "bus must not be null");
      Objects.requireNonNull(keyCodec, "keyCodec must not be null");
      if (name == null) {
        name = l2.name();
      }
      if (name.isEmpty()) {
        throw new IllegalArgumentException("name must not be empty but was ''");
      }
      Objects.requireNonNull(l1Ttl, "l1Ttl must not be null");
      if (l1Ttl.isZero() || l1Ttl.isNegative()) {
        throw new IllegalArgumentException("l1Ttl must be positive but was " + l1Ttl);
      }
      if (loadTimeout != null && (loadTimeout.isZero() || loadTimeout.isNegative())) {
        throw new IllegalArgumentException("loadTimeout must be positive but was " + loadTimeout);
      }
      return new TieredCache<>(this);
    }
  }
}
