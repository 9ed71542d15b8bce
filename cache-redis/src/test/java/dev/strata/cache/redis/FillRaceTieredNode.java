package dev.strata.cache.redis;

import dev.strata.cache.Cache;
import dev.strata.cache.KeyCodec;
import dev.strata.cache.invalidation.InvalidationBus;
import dev.strata.cache.invalidation.InvalidationEvent;
import dev.strata.cache.local.LocalCache;
import dev.strata.cache.spi.ForwardingCache;
import io.lettuce.core.AbstractRedisClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A node of the fill race that uses a {@link TieredCache} (its own client, bus, L1 and {@link
 * RedisCache} L2), instrumented to see what its L1 serves.
 *
 * <p>Every writer node logs the (key, version) of each invalidation before it makes it, in order;
 * events of one publisher arrive in the order it published them, so each node knows, for each event
 * it applied, which version the event superseded. A test subscriber, registered after the tiered
 * cache's own (subscribers of a channel are called in order), raises this node's <em>applied
 * floor</em> of the key once the cache has applied the event. An L1 hit below the applied floor is
 * a value older than an invalidation this node had already applied: it entered L1 afterwards.
 */
final class FillRaceTieredNode implements FillRace.Node {

  /** What the tiered nodes of one run share. */
  static final class Shared {
    final Map<String, List<long[]>> writerLogs = new ConcurrentHashMap<>();
    final LongAdder staleL1Takes = new LongAdder();
    final LongAdder mismatches = new LongAdder();
    final List<Long> delayNanos = Collections.synchronizedList(new ArrayList<>());
  }

  private final Shared shared;
  private final String nodeId;
  private final List<long[]> log = Collections.synchronizedList(new ArrayList<>());
  private final AtomicLongArray appliedFloor;
  private final Map<String, Integer> appliedPerOrigin = new ConcurrentHashMap<>();
  private final String cacheName;
  private final RedisInvalidationBus bus;
  private final LocalCache<String, String> rawL1;
  private final WatchedL1 watchedL1;
  private final @Nullable RedisCache<String, String> l2;
  private final @Nullable TieredCache<String, String> cache;
  private final @Nullable NaiveCacheAside naive;
  private final InvalidationBus.Subscription delays;
  private boolean servedFromL1;

  FillRaceTieredNode(
      AbstractRedisClient client,
      String cacheName,
      String nodeId,
      int keys,
      Shared shared,
      boolean naiveFixture) {
    this.shared = shared;
    this.cacheName = cacheName;
    this.nodeId = nodeId;
    this.appliedFloor = new AtomicLongArray(keys);
    shared.writerLogs.put(nodeId, log);
    bus = RedisDeployment.busOn(client).nodeId(nodeId).build();
    rawL1 = LocalCache.<String, String>builder().name(cacheName + "-l1-" + nodeId).build();
    watchedL1 = new WatchedL1(rawL1);
    if (naiveFixture) {
      l2 = null;
      cache = null;
      naive = new NaiveCacheAside(client, cacheName);
      bus.subscribe(cacheName, new NaiveDropper());
    } else {
      naive = null;
      l2 =
          RedisDeployment.redisCacheOn(client)
              .name(cacheName)
              .commandTimeout(Duration.ofSeconds(5))
              .build();
      cache =
          TieredCache.builder((Cache<String, String>) watchedL1, l2)
              .name(cacheName)
              .bus(bus)
              .keyCodec(KeyCodec.string())
              .l1Ttl(Duration.ofMinutes(5))
              .build();
    }
    bus.subscribe(cacheName, new FloorRaiser());
    delays = bus.addDeliveryDelayListener(nanos -> shared.delayNanos.add(Math.max(0, nanos)));
  }

  @Override
  public String get(String key, Function<String, String> loader) {
    servedFromL1 = false;
    if (naive != null) {
      // The naive two-level cache: L1, else Redis (plain SET fill), copied into L1 unchecked.
      String value = watchedL1.getIfPresent(key);
      if (value == null) {
        value = naive.get(key, loader);
        rawL1.put(key, value);
      }
      return value;
    }
    return java.util.Objects.requireNonNull(cache).get(key, loader::apply);
  }

  @Override
  public boolean servedFromL1() {
    return servedFromL1;
  }

  @Override
  public void beforeInvalidate(int key, long version) {
    log.add(new long[] {key, version});
  }

  @Override
  public void invalidate(String key) {
    if (naive != null) {
      naive.invalidate(key);
      rawL1.invalidate(key);
      bus.publish(InvalidationEvent.keys(cacheName, List.of(key), nodeId));
      return;
    }
    java.util.Objects.requireNonNull(cache).invalidate(key);
  }

  /** Whether this node applied every event the other nodes published so far. */
  boolean appliedEverything() {
    for (Map.Entry<String, List<long[]>> writer : shared.writerLogs.entrySet()) {
      if (!writer.getKey().equals(nodeId)
          && appliedPerOrigin.getOrDefault(writer.getKey(), 0) < writer.getValue().size()) {
        return false;
      }
    }
    return true;
  }

  /** The L1 copy of a key, read without going through the tiered cache. */
  @Nullable String l1Copy(String key) {
    return rawL1.getIfPresent(key);
  }

  @Nullable RedisCache<String, String> l2() {
    return l2;
  }

  @Override
  public void close() {
    delays.close();
    if (cache != null) {
      cache.close();
    }
    if (l2 != null) {
      l2.close();
    }
    if (naive != null) {
      naive.close();
    }
    bus.close();
  }

  /** The naive fixture's invalidation listener: drops the L1 copy, nothing else. */
  private final class NaiveDropper implements InvalidationBus.Subscriber {
    @Override
    public void onEvent(InvalidationEvent event) {
      event.keys().forEach(rawL1::invalidate);
    }

    @Override
    public void onGap() {
      rawL1.invalidateAll();
    }
  }

  /** Raises the applied floor of a key once the tiered cache applied a writer's event. */
  private final class FloorRaiser implements InvalidationBus.Subscriber {
    @Override
    public void onEvent(InvalidationEvent event) {
      List<long[]> writerLog = shared.writerLogs.get(event.originId());
      if (writerLog == null || event.all()) {
        return;
      }
      int index = appliedPerOrigin.merge(event.originId(), 1, Integer::sum) - 1;
      long[] entry = writerLog.get(index);
      if (!event.keys().equals(List.of("k" + entry[0]))) {
        shared.mismatches.increment(); // fails the run
        return;
      }
      appliedFloor.accumulateAndGet((int) entry[0], entry[1], Math::max);
    }

    @Override
    public void onGap() {
      // Counted by the bus (gapCount); the cache cleared its L1.
    }
  }

  /** The L1 as the tiered cache sees it: notes hits, and counts hits below the applied floor. */
  private final class WatchedL1 extends ForwardingCache<String, String> {
    WatchedL1(Cache<String, String> delegate) {
      super(delegate, Runnable::run);
    }

    @Override
    public @Nullable String getIfPresent(String key) {
      // The floor is read first: a value below it was in L1 after the event had dropped the key.
      long floor = appliedFloor.get(Integer.parseInt(key.substring(1)));
      String value = super.getIfPresent(key);
      if (value != null) {
        servedFromL1 = true;
        if (Long.parseLong(value) < floor) {
          shared.staleL1Takes.increment();
        }
      }
      return value;
    }
  }
}
