package dev.strata.samples;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.strata.cache.CacheLoader;
import dev.strata.cache.KeyCodec;
import dev.strata.cache.TtlPolicy;
import dev.strata.cache.invalidation.InvalidationBus;
import dev.strata.cache.local.LocalCache;
import dev.strata.cache.redis.JsonValueCodec;
import dev.strata.cache.redis.RedisCache;
import dev.strata.cache.redis.RedisInvalidationBus;
import dev.strata.cache.redis.TieredCache;
import dev.strata.redis.KeyNamespace;
import dev.strata.redis.RedisConnection;
import dev.strata.redis.RedisConnector;
import dev.strata.redis.RedisSettings;
import dev.strata.testsupport.RedisServer;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code strata-cache-redis}: a shared {@link RedisCache} with a JSON codec, a TTL and a bulk
 * {@code getAll}, and a two-level {@link TieredCache} whose local copies are invalidated across
 * nodes through a {@link RedisInvalidationBus}.
 *
 * <ol>
 *   <li>A {@code RedisCache<Long, Product>} stores products as JSON with a 10-minute TTL; a {@code
 *       getAll} of five ids, two of them already cached, sends one {@code MGET} and passes the
 *       three misses to one {@code loadAll}.
 *   <li>Two nodes, each with its own connector, bus, local L1 and Redis L2 (what two application
 *       instances would have), read product 1, so both hold it in L1. Node A changes its price;
 *       node B's L1 copy is dropped by the invalidation message, and its next read sees the new
 *       price.
 * </ol>
 *
 * <p><b>Redis.</b> Uses the server named by {@code STRATA_REDIS_URL} when that is set, otherwise
 * starts a private {@code redis-server} with test-support's {@code RedisServer} and stops it at the
 * end.
 *
 * <p>Run it with {@code java -cp samples/target/strata-samples.jar
 * dev.strata.samples.RedisCacheSample}.
 */
public final class RedisCacheSample {

  /**
   * A product, stored as JSON.
   *
   * @param id the product id
   * @param name the product name
   * @param cents the price in cents
   */
  public record Product(long id, String name, long cents) {}

  /**
   * What the sample observed.
   *
   * @param keysBulkLoaded keys passed to {@code loadAll} by the bulk read
   * @param bulkSize entries the bulk read returned
   * @param ttlMillis the remaining TTL of a stored entry, as Redis reports it
   * @param storedJson the stored bytes of product 1 after the two header bytes
   * @param nodeBBefore the price node B read before the change
   * @param nodeBAfter the price node B read after node A's change
   * @param nodeBInvalidations invalidation events node B received
   */
  record Report(
      int keysBulkLoaded,
      int bulkSize,
      long ttlMillis,
      String storedJson,
      long nodeBBefore,
      long nodeBAfter,
      long nodeBInvalidations) {}

  private RedisCacheSample() {}

  /**
   * Runs the sample and prints its report.
   *
   * @param args ignored
   */
  public static void main(String[] args) throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      print(run(redis.uri()), System.out);
    }
  }

  static Report run(String redisUrl) throws Exception {
    Catalog catalog = new Catalog();
    // One connector per application instance; here two, as if node A and node B were two JVMs.
    try (RedisConnector nodeA = RedisConnector.create(RedisSettings.builder(redisUrl).build());
        RedisConnector nodeB = RedisConnector.create(RedisSettings.builder(redisUrl).build());
        RedisCache<Long, Product> products = sharedProducts(nodeA);
        RedisInvalidationBus busA = RedisInvalidationBus.builder(nodeA).nodeId("node-a").build();
        RedisInvalidationBus busB = RedisInvalidationBus.builder(nodeB).nodeId("node-b").build();
        RedisCache<Long, Product> sharedA = sharedPages(nodeA);
        RedisCache<Long, Product> sharedB = sharedPages(nodeB);
        TieredCache<Long, Product> cacheA = tiered(sharedA, busA);
        TieredCache<Long, Product> cacheB = tiered(sharedB, busB)) {

      // 1. The shared cache: two products cached, then one bulk read of five.
      products.put(1L, catalog.load(1L));
      products.put(2L, catalog.load(2L));
      int loadsBefore = catalog.bulkKeys.get();
      Map<Long, Product> five = products.getAll(List.of(1L, 2L, 3L, 4L, 5L), catalog);
      int bulkLoaded = catalog.bulkKeys.get() - loadsBefore;
      long ttl;
      String json;
      try (RedisConnection<String, byte[]> raw =
          nodeA.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE))) {
        String key = KeyNamespace.defaults().cacheKeyPrefix("products") + 1; // strata:c:products:1
        ttl = raw.sync().pttl(key);
        byte[] stored = raw.sync().get(key);
        // Two header bytes (format version, kind), then the codec's bytes.
        json = stored == null ? "" : new String(stored, 2, stored.length - 2, UTF_8);
      }

      // 2. Two nodes read product 10: both now hold it in their L1.
      cacheA.get(10L, catalog);
      long before = cacheB.get(10L, catalog).cents();

      // Node A changes the price; wait until node B has received the invalidation.
      CountDownLatch received = new CountDownLatch(1);
      try (InvalidationBus.Subscription watch =
          busB.subscribe("product-pages", event -> received.countDown())) {
        cacheA.put(10L, new Product(10, "Product #10", before + 500));
        if (!received.await(5, TimeUnit.SECONDS)) {
          throw new IllegalStateException("node B received no invalidation within 5 s");
        }
      }
      long after = cacheB.get(10L, catalog).cents();

      return new Report(bulkLoaded, five.size(), ttl, json, before, after, busB.receivedCount());
    }
  }

  /** The shared cache: JSON values, 10-minute TTL with jitter, 30 s for "not found". */
  private static RedisCache<Long, Product> sharedProducts(RedisConnector redis) {
    return RedisCache.builder(redis)
        .name("products") // keys: strata:c:products:<id>
        .keyCodec(KeyCodec.longs())
        .valueCodec(JsonValueCodec.of(Product.class))
        .ttl(
            TtlPolicy.builder()
                .defaultTtl(Duration.ofMinutes(10))
                .jitter(0.1)
                .negativeTtl(Duration.ofSeconds(30))
                .build())
        .build();
  }

  /** One node's handle on the shared L2 of the two-level cache (same name on every node). */
  private static RedisCache<Long, Product> sharedPages(RedisConnector redis) {
    return RedisCache.builder(redis)
        .name("product-pages")
        .keyCodec(KeyCodec.longs())
        .valueCodec(JsonValueCodec.of(Product.class))
        .ttl(TtlPolicy.of(Duration.ofMinutes(10)))
        .build();
  }

  /** One node's two-level cache: its own L1 in front of the shared L2, and the node's bus. */
  private static TieredCache<Long, Product> tiered(
      RedisCache<Long, Product> l2, RedisInvalidationBus bus) {
    LocalCache<Long, Product> l1 =
        LocalCache.<Long, Product>builder().name("product-pages-l1").maximumSize(10_000).build();
    return TieredCache.builder(l1, l2)
        .name("product-pages") // the channel strata:i:product-pages; same name on every node
        .bus(bus)
        .keyCodec(KeyCodec.longs())
        .l1Ttl(Duration.ofSeconds(10)) // how stale a node can be if a message is lost
        .build();
  }

  /** Stands in for the product table: loads one product, or many in one query. */
  private static final class Catalog implements CacheLoader<Long, Product> {
    final AtomicInteger bulkKeys = new AtomicInteger();

    @Override
    public Product load(Long id) {
      return new Product(id, "Product #" + id, 1_000 + id);
    }

    @Override
    public Map<Long, Product> loadAll(Set<? extends Long> ids) {
      bulkKeys.addAndGet(ids.size());
      Map<Long, Product> found = new HashMap<>();
      for (Long id : ids) {
        found.put(id, load(id));
      }
      return found;
    }
  }

  static void print(Report report, PrintStream out) {
    out.println("Strata RedisCache and TieredCache (cache-redis)");
    out.printf(
        "  bulk getAll     5 ids, 2 cached: one MGET, one loadAll of %d ids, %d returned%n",
        report.keysBulkLoaded(), report.bulkSize());
    out.printf("  stored value    %s (TTL left %,d ms)%n", report.storedJson(), report.ttlMillis());
    out.printf(
        "  invalidation    node B read price %d; node A set it; node B then read %d"
            + " (%d event received)%n",
        report.nodeBBefore(), report.nodeBAfter(), report.nodeBInvalidations());
  }
}
