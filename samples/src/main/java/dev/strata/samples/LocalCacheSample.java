package dev.strata.samples;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.strata.cache.CacheLoader;
import dev.strata.cache.CacheStats;
import dev.strata.cache.TtlPolicy;
import dev.strata.cache.local.LocalCache;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code strata-cache-local}: a {@link LocalCache} with a TTL policy, statistics and single-flight
 * loads.
 *
 * <ol>
 *   <li>Eight threads miss on the same key at once: the slow loader runs once and every thread gets
 *       its value.
 *   <li>A bulk {@code getAll} passes only the missing keys to one {@code loadAll}.
 *   <li>A "not found" answer is remembered for the negative TTL, so the loader is not asked again.
 *   <li>Time moves past the default TTL (a hand-moved clock stands in for the system one, through
 *       the {@code ticker} option) and the entries expire: the next read loads again.
 * </ol>
 *
 * <p>It prints what the loader did and the cache's {@link CacheStats}. No external service.
 *
 * <p>Run it with {@code java -cp samples/target/strata-samples.jar
 * dev.strata.samples.LocalCacheSample}.
 */
public final class LocalCacheSample {

  /**
   * What the sample observed.
   *
   * @param concurrentCallers threads that missed on one key at once
   * @param loadsForConcurrentMiss how many times the loader ran for them
   * @param bulkKeysLoaded keys the bulk load was asked for
   * @param negativeLookupsLoaded loads of a missing product over two lookups
   * @param loadsAfterExpiry loads caused by reading the hot key again after the TTL
   * @param expiredEvictions entries the eviction listener saw expire
   * @param stats the cache's statistics at the end
   */
  record Report(
      int concurrentCallers,
      int loadsForConcurrentMiss,
      int bulkKeysLoaded,
      int negativeLookupsLoaded,
      int loadsAfterExpiry,
      long expiredEvictions,
      CacheStats stats) {}

  private LocalCacheSample() {}

  /**
   * Runs the sample and prints its report.
   *
   * @param args ignored
   */
  public static void main(String[] args) throws Exception {
    print(run(), System.out);
  }

  static Report run() throws Exception {
    // A clock moved by hand (nanoseconds), so the sample shows expiry without waiting for it.
    AtomicLong nanos = new AtomicLong();
    Ticker clock = nanos::get;
    AtomicLong expired = new AtomicLong();

    LocalCache<Long, String> products =
        LocalCache.<Long, String>builder()
            .name("products")
            .maximumSize(10_000)
            .ttl(
                TtlPolicy.builder()
                    .defaultTtl(Duration.ofMinutes(10))
                    .jitter(0.1) // entries expire between 9 and 10 minutes after they are written
                    .negativeTtl(Duration.ofSeconds(30)) // remember "no such product" for 30 s
                    .build())
            .evictionListener((id, name, cause) -> expired.incrementAndGet())
            .executor(Runnable::run) // listener and maintenance in the calling thread
            .ticker(clock)
            .build();

    // 1. Single flight: eight callers miss on product 1 together; the loader runs once.
    AtomicInteger loads = new AtomicInteger();
    int callers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<String>> answers = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        answers.add(pool.submit(() -> products.get(1L, id -> slowLookup(id, loads))));
      }
      for (Future<String> answer : answers) {
        if (!answer.get().equals("Product #1")) {
          throw new IllegalStateException("a caller got " + answer.get());
        }
      }
    } finally {
      pool.shutdown();
    }
    int concurrentLoads = loads.get();

    // 2. Bulk: products 1..5, of which 1 is cached, so one loadAll for 2..5.
    AtomicInteger bulkKeys = new AtomicInteger();
    Map<Long, String> some =
        products.getAll(
            List.of(1L, 2L, 3L, 4L, 5L),
            new CacheLoader<Long, String>() {
              @Override
              public String load(Long id) {
                return "Product #" + id;
              }

              @Override
              public Map<Long, String> loadAll(Set<? extends Long> ids) {
                bulkKeys.addAndGet(ids.size());
                Map<Long, String> found = new HashMap<>();
                ids.forEach(id -> found.put(id, "Product #" + id));
                return found;
              }
            });
    if (some.size() != 5) {
      throw new IllegalStateException("getAll returned " + some);
    }

    // 3. Negative caching: product 404 does not exist; the second lookup does not ask again.
    AtomicInteger missingLoads = new AtomicInteger();
    for (int i = 0; i < 2; i++) {
      products.get(
          404L,
          id -> {
            missingLoads.incrementAndGet();
            return null; // "does not exist"
          });
    }

    // 4. Expiry: eleven minutes later every entry is gone and product 1 is loaded again.
    nanos.addAndGet(Duration.ofMinutes(11).toNanos());
    products.cleanUp();
    int before = loads.get();
    products.get(1L, id -> slowLookup(id, loads));
    int reloads = loads.get() - before;

    return new Report(
        callers,
        concurrentLoads,
        bulkKeys.get(),
        missingLoads.get(),
        reloads,
        expired.get(),
        products.stats());
  }

  /** Stands in for a slow database query. */
  private static String slowLookup(long id, AtomicInteger loads) throws InterruptedException {
    loads.incrementAndGet();
    Thread.sleep(50); // the other callers arrive while this load is in flight
    return "Product #" + id;
  }

  static void print(Report report, PrintStream out) {
    CacheStats stats = report.stats();
    out.println("Strata LocalCache (cache-local)");
    out.printf(
        "  single flight   %d callers missed on one key together: %d load%n",
        report.concurrentCallers(), report.loadsForConcurrentMiss());
    out.printf(
        "  bulk getAll     5 keys asked, 1 cached: one loadAll for %d keys%n",
        report.bulkKeysLoaded());
    out.printf(
        "  negative TTL    2 lookups of a missing product: %d load%n",
        report.negativeLookupsLoaded());
    out.printf(
        "  TTL             11 minutes later: %d entries expired, %d reload of the hot key%n",
        report.expiredEvictions(), report.loadsAfterExpiry());
    out.printf(
        "  stats           %d hits, %d misses, %d loads, %d evictions, hit ratio %.0f%%%n",
        stats.hitCount(),
        stats.missCount(),
        stats.loadCount(),
        stats.evictionCount(),
        stats.hitRate() * 100);
  }
}
