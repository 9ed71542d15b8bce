package dev.strata.cache.invalidation;

import dev.strata.cache.Cache;
import dev.strata.cache.KeyCodec;
import dev.strata.cache.internal.Checks;
import dev.strata.cache.spi.ForwardingCache;
import dev.strata.cache.strategy.WriteBehindCache;
import dev.strata.cache.strategy.WriteBehindListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the copies of a cache on several nodes coherent through an {@link InvalidationBus}: every
 * put and invalidation made through this decorator is published (puts as invalidations, since the
 * other nodes' copies are now stale), and events of other nodes for this cache's name drop the
 * named entries (or all of them) from the decorated cache. A {@linkplain
 * InvalidationBus.Subscriber#onGap() gap} in delivery drops everything.
 *
 * <p>Meant for a cache private to each node (in process), named alike on every node. Keys travel in
 * their {@link KeyCodec} form; an event key that does not decode is logged and skipped (events may
 * come from other processes and are not trusted). Loads are not published: they bring no new data.
 * A failure to publish is logged and does not fail the local write.
 *
 * <p>Over a {@link WriteBehindCache} a put is published twice: when it is queued (other nodes drop
 * their copies) and again once its batch is written (other nodes drop what they reloaded from the
 * database in between, which was the old row).
 *
 * <pre>{@code
 * InvalidationBroadcastingCache<Long, User> users =
 *     InvalidationBroadcastingCache.builder(localCache, bus, KeyCodec.longs()).build();
 * users.put(42L, user);   // other nodes drop key 42
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} ends the subscription (the bus stays open).
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class InvalidationBroadcastingCache<K, V> extends ForwardingCache<K, V>
    implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(InvalidationBroadcastingCache.class);

  private final InvalidationBus bus;
  private final KeyCodec<K> codec;
  private final InvalidationBus.Subscription subscription;
  private final @Nullable WriteBehindListener republisher;

  private InvalidationBroadcastingCache(Builder<K, V> builder) {
    super(builder.cache, builder.asyncExecutor);
    this.bus = builder.bus;
    this.codec = builder.codec;
    this.subscription =
        bus.subscribe(
            name(),
            new InvalidationBus.Subscriber() {
              @Override
              public void onEvent(InvalidationEvent event) {
                apply(event);
              }

              @Override
              public void onGap() {
                delegate().invalidateAll();
              }
            });
    if (builder.cache instanceof WriteBehindCache<K, V> writeBehind) {
      WriteBehindListener listener =
          new WriteBehindListener() {
            @Override
            @SuppressWarnings("unchecked")
            public void onBatchWritten(List<?> keys, long nanos) {
              publishKeys((List<? extends K>) keys);
            }
          };
      writeBehind.addListener(listener);
      this.republisher = listener;
    } else {
      this.republisher = null;
    }
  }

  /**
   * Starts a builder.
   *
   * @param cache the node's own cache
   * @param bus the bus shared by the nodes
   * @param codec turns keys into the strings that travel on the bus
   * @param <K> the key type
   * @param <V> the value type
   * @return the builder
   * @throws NullPointerException if an argument is null
   */
  public static <K, V> Builder<K, V> builder(
      Cache<K, V> cache, InvalidationBus bus, KeyCodec<K> codec) {
    return new Builder<>(cache, bus, codec);
  }

  @Override
  public void put(K key, V value) {
    super.put(key, value);
    publishKeys(List.of(key));
  }

  @Override
  public void put(K key, V value, Duration ttl) {
    super.put(key, value, ttl);
    publishKeys(List.of(key));
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> entries) {
    super.putAll(entries);
    publishKeys(new ArrayList<>(entries.keySet()));
  }

  @Override
  public void invalidate(K key) {
    super.invalidate(key);
    publishKeys(List.of(key));
  }

  @Override
  public void invalidateAll(Iterable<? extends K> keys) {
    Checks.keys(keys);
    List<K> list = new ArrayList<>();
    keys.forEach(list::add);
    super.invalidateAll(list);
    publishKeys(list);
  }

  @Override
  public void invalidateAll() {
    super.invalidateAll();
    publish(InvalidationEvent.all(name(), bus.nodeId()));
  }

  /**
   * Stops receiving events of other nodes (and republishing after write-behind flushes); the bus
   * and the decorated cache stay open. Idempotent.
   */
  @Override
  public void close() {
    subscription.close();
    if (republisher != null && delegate() instanceof WriteBehindCache<K, V> writeBehind) {
      writeBehind.removeListener(republisher);
    }
  }

  private void publishKeys(List<? extends K> keys) {
    if (keys.isEmpty()) {
      return;
    }
    List<String> encoded = new ArrayList<>(keys.size());
    for (K key : keys) {
      encoded.add(codec.encode(key));
    }
    publish(InvalidationEvent.keys(name(), encoded, bus.nodeId()));
  }

  private void publish(InvalidationEvent event) {
    try {
      bus.publish(event);
    } catch (RuntimeException e) {
      LOG.warn("cache '{}': could not publish an invalidation", name(), e);
    }
  }

  private void apply(InvalidationEvent event) {
    if (event.all()) {
      delegate().invalidateAll();
      return;
    }
    List<K> keys = new ArrayList<>(event.keys().size());
    for (String encoded : event.keys()) {
      try {
        keys.add(codec.decode(encoded));
      } catch (RuntimeException e) {
        LOG.warn(
            "cache '{}': ignoring an invalidation of an undecodable key from node '{}': {}",
            name(),
            event.originId(),
            e.toString());
      }
    }
    if (!keys.isEmpty()) {
      delegate().invalidateAll(keys);
    }
  }

  /**
   * Builds an {@link InvalidationBroadcastingCache}; {@link #build()} subscribes to the bus.
   *
   * @param <K> the key type
   * @param <V> the value type
   */
  public static final class Builder<K, V> {
    private final Cache<K, V> cache;
    private final InvalidationBus bus;
    private final KeyCodec<K> codec;
    private Executor asyncExecutor = ForkJoinPool.commonPool();

    private Builder(Cache<K, V> cache, InvalidationBus bus, KeyCodec<K> codec) {
      this.cache = Objects.requireNonNull(cache, "cache must not be null");
      this.bus = Objects.requireNonNull(bus, "bus must not be null");
      this.codec = Objects.requireNonNull(codec, "codec must not be null");
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
     * Builds the cache and subscribes it to the bus.
     *
     * @return the cache
     * @throws NullPointerException if the async executor was set to null
     */
    public InvalidationBroadcastingCache<K, V> build() {
      Objects.requireNonNull(asyncExecutor, "asyncExecutor must not be null");
      return new InvalidationBroadcastingCache<>(this);
    }
  }
}
