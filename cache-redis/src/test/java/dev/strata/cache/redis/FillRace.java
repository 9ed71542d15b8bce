package dev.strata.cache.redis;

import static org.awaitility.Awaitility.await;

import dev.strata.cache.KeyCodec;
import dev.strata.cache.redis.internal.RedisKeyLayout;
import dev.strata.redis.KeyNamespace;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A race between database writers that invalidate and readers that fill, each on a node of its own
 * (its own Redis client and cache), over one database table with a version column.
 *
 * <p>Counted:
 *
 * <ul>
 *   <li><b>stale fills that landed</b>: distinct (key, version) entries seen in Redis (by a
 *       reader's hit or by an auditor reading the keys directly) after an invalidation that
 *       superseded that version had completed. The invalidation removed whatever was there, so such
 *       an entry was written afterwards by a fill of a value read before it;
 *   <li><b>stale reads</b>: values served older than the newest version whose invalidation had
 *       completed before the read started, not counting L1 hits (counted apart as reads within the
 *       invalidation delay);
 *   <li><b>stale L1 takes</b> (two-level schemes, {@link FillRaceTieredNode}): L1 hits of a value
 *       older than an invalidation that node had already applied;
 *   <li><b>stale entries at quiescence</b>: keys whose Redis value (or an L1 copy) is older than
 *       the database row once every thread stopped and every node applied every event;
 *   <li>the invalidation delay's percentiles (two-level schemes).
 * </ul>
 */
final class FillRace {

  /** Which fill the readers use. */
  enum Scheme {
    /** {@link RedisCache}: leases and version-checked fills. */
    LEASED,
    /** {@link NaiveCacheAside}: a plain SET after the load. */
    NAIVE,
    /** {@link TieredCache} over {@link RedisCache}, each node with its own bus and L1. */
    TIERED,
    /**
     * A naive two-level cache over {@link NaiveCacheAside}: copies whatever Redis returns into L1
     * without any check; the event only drops the L1 copy.
     */
    NAIVE_TIERED
  }

  /** What one run counted. */
  record Result(
      Scheme scheme,
      boolean pause,
      long reads,
      long loads,
      long writes,
      int staleFills,
      long staleReads,
      int staleAtQuiescence,
      long staleL1Takes,
      long staleL1ReadsWithinDelay,
      int staleL1AtQuiescence,
      String delays,
      String leases) {

    double hitRatio() {
      return reads == 0 ? 0 : 1.0 - (double) loads / reads;
    }

    /**
     * The share of reads served from the cache with a value that was not stale: a hit on a value
     * older than a completed invalidation saves a database read only by serving the wrong answer.
     */
    double freshHitRatio() {
      return reads == 0 ? 0 : 1.0 - (double) (loads + staleReads) / reads;
    }

    @Override
    public String toString() {
      return String.format(
          "%s%s: reads=%d loads=%d writes=%d hitRatio=%.3f freshHitRatio=%.3f staleFills=%d"
              + " staleReads=%d staleAtQuiescence=%d%s%s",
          scheme,
          pause ? " (1 ms pause before fill)" : "",
          reads,
          loads,
          writes,
          hitRatio(),
          freshHitRatio(),
          staleFills,
          staleReads,
          staleAtQuiescence,
          scheme == Scheme.TIERED || scheme == Scheme.NAIVE_TIERED
              ? String.format(
                  " staleL1Takes=%d staleL1ReadsWithinDelay=%d staleL1AtQuiescence=%d"
                      + " invalidationDelay{%s}",
                  staleL1Takes, staleL1ReadsWithinDelay, staleL1AtQuiescence, delays)
              : "",
          leases);
    }
  }

  /** One node's view of the cache. */
  interface Node extends AutoCloseable {
    String get(String key, Function<String, String> loader);

    /** Whether the last {@link #get} was served by a local level (an L1). */
    default boolean servedFromL1() {
      return false;
    }

    /** Called by a writer before it invalidates the key it updated to {@code version}. */
    default void beforeInvalidate(int key, long version) {}

    void invalidate(String key);

    @Override
    void close();
  }

  static final int READERS = 4;
  static final int WRITERS = 2;

  private final @Nullable RedisDeployment deployment;
  private final DataSource database;
  private final String table;
  private final int keys;

  FillRace(@Nullable RedisDeployment deployment, DataSource database, String table, int keys) {
    this.deployment = deployment;
    this.database = database;
    this.table = table;
    this.keys = keys;
  }

  /** Creates the table with every key at version 1. */
  void createTable() throws SQLException {
    try (Connection c = database.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + table + " (id VARCHAR(20) PRIMARY KEY, version BIGINT NOT NULL)");
      for (int k = 0; k < keys; k++) {
        s.execute("INSERT INTO " + table + " VALUES ('k" + k + "', 1)");
      }
    }
  }

  Result run(Scheme scheme, boolean pause, Duration duration, String cacheName) throws Exception {
    AtomicLongArray invalidated = new AtomicLongArray(keys);
    Set<String> staleSeen = ConcurrentHashMap.newKeySet();
    LongAdder reads = new LongAdder();
    LongAdder loads = new LongAdder();
    LongAdder writes = new LongAdder();
    LongAdder staleReads = new LongAdder();
    LongAdder staleL1WithinDelay = new LongAdder();
    AtomicBoolean stop = new AtomicBoolean();
    List<Node> nodes = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(READERS + WRITERS + 1);
    List<Future<?>> running = new ArrayList<>();
    RedisKeyLayout<String> layout =
        new RedisKeyLayout<>(KeyNamespace.defaults(), cacheName, KeyCodec.string());
    AbstractRedisClient auditorClient = java.util.Objects.requireNonNull(deployment).client();
    RedisClusterCommands<byte[], byte[]> auditor = rawCommands(auditorClient);
    try {
      // Every node subscribes before any writes, so each sees every writer's events.
      for (int n = 0; n < WRITERS + READERS; n++) {
        nodes.add(node(scheme, cacheName));
      }
      for (int w = 0; w < WRITERS; w++) {
        Node node = nodes.get(w);
        running.add(
            threads.submit(
                () -> {
                  write(node, invalidated, writes, stop);
                  return null;
                }));
      }
      for (int r = 0; r < READERS; r++) {
        Node node = nodes.get(WRITERS + r);
        running.add(
            threads.submit(
                () -> {
                  read(
                      node,
                      pause,
                      invalidated,
                      staleSeen,
                      reads,
                      loads,
                      staleReads,
                      staleL1WithinDelay,
                      stop);
                  return null;
                }));
      }
      running.add(
          threads.submit(
              () -> {
                while (!stop.get()) {
                  for (int k = 0; k < keys && !stop.get(); k++) {
                    long floor = invalidated.get(k);
                    String value = NaiveCacheAside.valueOf(auditor.get(layout.redisKey("k" + k)));
                    if (value != null && Long.parseLong(value) < floor) {
                      staleSeen.add(k + ":" + value);
                    }
                  }
                }
                return null;
              }));
      long end = System.nanoTime() + duration.toNanos();
      while (System.nanoTime() < end) {
        for (Future<?> f : running) {
          if (f.isDone()) {
            f.get(); // a thread died: fail with its exception
          }
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }
      stop.set(true);
      for (Future<?> f : running) {
        f.get(30, TimeUnit.SECONDS);
      }
      List<FillRaceTieredNode> tiered =
          nodes.stream()
              .filter(FillRaceTieredNode.class::isInstance)
              .map(FillRaceTieredNode.class::cast)
              .toList();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  tieredShared.mismatches.sum() > 0
                      || tiered.stream().allMatch(FillRaceTieredNode::appliedEverything));
      if (tieredShared.mismatches.sum() > 0) {
        throw new IllegalStateException(
            tieredShared.mismatches.sum() + " events did not match their writer's log");
      }
      int staleAtQuiescence = 0;
      int staleL1AtQuiescence = 0;
      try (Connection c = database.getConnection();
          PreparedStatement select = c.prepareStatement(selectSql())) {
        for (int k = 0; k < keys; k++) {
          long current = version(select, "k" + k);
          String value = NaiveCacheAside.valueOf(auditor.get(layout.redisKey("k" + k)));
          if (value != null && Long.parseLong(value) < current) {
            staleAtQuiescence++;
          }
          for (FillRaceTieredNode node : tiered) {
            String copy = node.l1Copy("k" + k);
            if (copy != null && Long.parseLong(copy) < current) {
              staleL1AtQuiescence++;
            }
          }
        }
      }
      return new Result(
          scheme,
          pause,
          reads.sum(),
          loads.sum(),
          writes.sum(),
          staleSeen.size(),
          staleReads.sum(),
          staleAtQuiescence,
          tieredShared.staleL1Takes.sum(),
          staleL1WithinDelay.sum(),
          staleL1AtQuiescence,
          percentiles(tieredShared.delayNanos),
          leaseCounts());
    } finally {
      stop.set(true);
      threads.shutdownNow();
      threads.awaitTermination(30, TimeUnit.SECONDS);
      nodes.forEach(Node::close);
    }
  }

  private void write(Node node, AtomicLongArray invalidated, LongAdder writes, AtomicBoolean stop)
      throws SQLException {
    try (Connection c = database.getConnection();
        PreparedStatement update =
            c.prepareStatement("UPDATE " + table + " SET version = version + 1 WHERE id = ?");
        PreparedStatement select = c.prepareStatement(selectSql())) {
      c.setAutoCommit(false);
      while (!stop.get()) {
        int k = ThreadLocalRandom.current().nextInt(keys);
        String id = "k" + k;
        update.setString(1, id);
        update.executeUpdate();
        long version = version(select, id);
        c.commit();
        node.beforeInvalidate(k, version);
        node.invalidate(id);
        invalidated.accumulateAndGet(k, version, Math::max);
        writes.increment();
      }
    }
  }

  private void read(
      Node node,
      boolean pause,
      AtomicLongArray invalidated,
      Set<String> staleSeen,
      LongAdder reads,
      LongAdder loads,
      LongAdder staleReads,
      LongAdder staleL1WithinDelay,
      AtomicBoolean stop)
      throws SQLException {
    try (Connection c = database.getConnection();
        PreparedStatement select = c.prepareStatement(selectSql())) {
      boolean[] loaded = new boolean[1];
      Function<String, String> loader =
          id -> {
            loaded[0] = true;
            loads.increment();
            try {
              long version = version(select, id);
              if (pause) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
              }
              return Long.toString(version);
            } catch (SQLException e) {
              throw new UncheckedIOException(new java.io.IOException(e));
            }
          };
      while (!stop.get()) {
        int k = ThreadLocalRandom.current().nextInt(keys);
        long floor = invalidated.get(k);
        loaded[0] = false;
        long served = Long.parseLong(node.get("k" + k, loader));
        reads.increment();
        if (served < floor) {
          if (node.servedFromL1()) {
            // An L1 copy the invalidation's event had not yet reached: the delay window.
            staleL1WithinDelay.increment();
          } else {
            staleReads.increment();
            if (!loaded[0]) {
              staleSeen.add(k + ":" + served);
            }
          }
        }
      }
    }
  }

  private String selectSql() {
    return "SELECT version FROM " + table + " WHERE id = ?";
  }

  private static long version(PreparedStatement select, String id) throws SQLException {
    select.setString(1, id);
    try (ResultSet rs = select.executeQuery()) {
      if (!rs.next()) {
        throw new IllegalStateException("no row " + id);
      }
      return rs.getLong(1);
    }
  }

  private final List<RedisCache<String, String>> caches = new ArrayList<>();
  private final FillRaceTieredNode.Shared tieredShared = new FillRaceTieredNode.Shared();
  private int nodeCount;

  /** p50, p99, p99.9 and max of the delivery delays, in milliseconds. */
  static String percentiles(List<Long> samples) {
    long[] sorted;
    synchronized (samples) {
      sorted = samples.stream().mapToLong(Long::longValue).sorted().toArray();
    }
    if (sorted.length == 0) {
      return "no samples";
    }
    return String.format(
        "n=%d p50=%.3fms p99=%.3fms p99.9=%.3fms max=%.3fms",
        sorted.length,
        at(sorted, 0.50) / 1e6,
        at(sorted, 0.99) / 1e6,
        at(sorted, 0.999) / 1e6,
        sorted[sorted.length - 1] / 1e6);
  }

  private static double at(long[] sorted, double quantile) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)];
  }

  private String leaseCounts() {
    if (caches.isEmpty()) {
      return "";
    }
    long granted = 0;
    long busy = 0;
    long waited = 0;
    long timedOut = 0;
    long landed = 0;
    long rejected = 0;
    for (RedisCache<String, String> cache : caches) {
      granted += cache.leaseStats().granted();
      busy += cache.leasedFill().leasesBusy();
      waited += cache.leaseStats().waited();
      timedOut += cache.leaseStats().waitsTimedOut();
      landed += cache.leasedFill().fillsLanded();
      rejected += cache.leasedFill().fillsRejected();
    }
    return String.format(
        " leases: granted=%d busy=%d waited=%d waitsTimedOut=%d fillsLanded=%d"
            + " fillsRejectedAsStale=%d",
        granted, busy, waited, timedOut, landed, rejected);
  }

  private Node node(Scheme scheme, String cacheName) {
    AbstractRedisClient client = java.util.Objects.requireNonNull(deployment).client();
    if (scheme == Scheme.TIERED || scheme == Scheme.NAIVE_TIERED) {
      FillRaceTieredNode node =
          new FillRaceTieredNode(
              client,
              cacheName,
              "node" + nodeCount++,
              keys,
              tieredShared,
              scheme == Scheme.NAIVE_TIERED);
      if (node.l2() != null) {
        caches.add(node.l2());
      }
      return node;
    }
    if (scheme == Scheme.NAIVE) {
      NaiveCacheAside naive = new NaiveCacheAside(client, cacheName);
      return new Node() {
        @Override
        public String get(String key, Function<String, String> loader) {
          return naive.get(key, loader);
        }

        @Override
        public void invalidate(String key) {
          naive.invalidate(key);
        }

        @Override
        public void close() {
          naive.close();
        }
      };
    }
    RedisCache<String, String> cache =
        RedisDeployment.redisCacheOn(client)
            .name(cacheName)
            .commandTimeout(Duration.ofSeconds(5))
            .build();
    caches.add(cache);
    return new Node() {
      @Override
      public String get(String key, Function<String, String> loader) {
        return cache.get(key, loader::apply);
      }

      @Override
      public void invalidate(String key) {
        cache.invalidate(key);
      }

      @Override
      public void close() {
        cache.close();
      }
    };
  }

  private static RedisClusterCommands<byte[], byte[]> rawCommands(AbstractRedisClient client) {
    return client instanceof RedisClusterClient cluster
        ? cluster.connect(ByteArrayCodec.INSTANCE).sync()
        : ((RedisClient) client).connect(ByteArrayCodec.INSTANCE).sync();
  }
}
