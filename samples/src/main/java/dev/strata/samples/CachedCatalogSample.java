package dev.strata.samples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.strata.cache.CacheStats;
import dev.strata.cache.TtlPolicy;
import dev.strata.cache.jdbc.JdbcCacheStore;
import dev.strata.cache.local.LocalCache;
import dev.strata.cache.strategy.ReadThroughCache;
import dev.strata.cache.strategy.WriteBehindCache;
import dev.strata.cache.strategy.WriteBehindStats;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import javax.sql.DataSource;

/**
 * A product catalog with caches in front of its database (an embedded H2 database, pooled with
 * HikariCP):
 *
 * <ul>
 *   <li>product names are read through a {@link ReadThroughCache} on a {@link LocalCache}, loaded
 *       from the {@code products} table by a {@link JdbcCacheStore} on a miss;
 *   <li>price changes go to a {@link WriteBehindCache} on another {@link LocalCache}, which
 *       acknowledges them at once and writes them to the {@code prices} table in batches.
 * </ul>
 *
 * <p>It runs a mixed workload (90% name reads skewed towards popular products, 10% price changes)
 * through the caches and then the same operations straight against the database, and prints the hit
 * ratio, the loads, the batched writes and the speed-up. Closing the write-behind cache drains its
 * queue, and the sample checks that every price change landed in the table.
 *
 * <p>Run it with {@code java -jar samples/target/strata-samples.jar [operations]}.
 */
public final class CachedCatalogSample {

  /** Number of products in the catalog. */
  static final int PRODUCTS = 1_000;

  private static final int DEFAULT_OPERATIONS = 100_000;
  private static final int DIRECT_OPERATIONS_DIVISOR = 10;
  private static final long DIRECT_TIME_BUDGET_NANOS = 1_500_000_000L;
  private static final long SEED = 42;

  /**
   * What a run measured.
   *
   * @param operations operations through the caches
   * @param cachedSeconds time they took
   * @param directOperations operations straight against the database
   * @param directSeconds time those took
   * @param reads name lookups through the read-through cache
   * @param readStats the statistics of the read-through cache
   * @param writeStats the counters of the write-behind cache after it was closed
   * @param priceChanges price changes made
   * @param pricesMatching products whose price in the table equals the last price written
   * @param productsWithPriceChanges products that had at least one price change
   */
  record Report(
      int operations,
      double cachedSeconds,
      int directOperations,
      double directSeconds,
      long reads,
      CacheStats readStats,
      WriteBehindStats writeStats,
      long priceChanges,
      int pricesMatching,
      int productsWithPriceChanges) {

    double cachedOpsPerSecond() {
      return operations / cachedSeconds;
    }

    double directOpsPerSecond() {
      return directOperations / directSeconds;
    }

    double speedUp() {
      return cachedOpsPerSecond() / directOpsPerSecond();
    }
  }

  private CachedCatalogSample() {}

  /**
   * Runs the sample and prints its report.
   *
   * @param args optionally the number of operations (200,000 by default)
   */
  public static void main(String[] args) throws Exception {
    int operations = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_OPERATIONS;
    Report report = run(operations, "catalog");
    print(report, System.out);
    if (report.pricesMatching() != report.productsWithPriceChanges()) {
      System.exit(1);
    }
  }

  /**
   * Runs the workload on a fresh in-memory database of the given name.
   *
   * @param operations operations to run through the caches; a tenth of them runs directly
   * @param databaseName the H2 database's name, so that concurrent runs do not share one
   * @return what was measured
   */
  static Report run(int operations, String databaseName) throws Exception {
    try (HikariDataSource dataSource = pooledH2(databaseName)) {
      createTables(dataSource);
      JdbcCacheStore<Long, String> names =
          JdbcCacheStore.builder(dataSource, Long.class, String.class)
              .table("products")
              .keyColumn("id")
              .valueColumns("name")
              .build();
      JdbcCacheStore<Long, Long> prices =
          JdbcCacheStore.builder(dataSource, Long.class, Long.class)
              .table("prices")
              .keyColumn("id")
              .valueColumns("cents")
              .build();

      ReadThroughCache<Long, String> productNames =
          ReadThroughCache.builder(
                  LocalCache.<Long, String>builder()
                      .name("product-names")
                      .maximumSize(10_000)
                      .ttl(
                          TtlPolicy.builder()
                              .defaultTtl(Duration.ofMinutes(10))
                              .jitter(0.1)
                              .negativeTtl(Duration.ofSeconds(30))
                              .build())
                      .build(),
                  names)
              .build();
      LocalCache<Long, Long> priceCache =
          LocalCache.<Long, Long>builder()
              .name("product-prices")
              .maximumSize(10_000)
              .ttl(TtlPolicy.of(Duration.ofMinutes(10)))
              .build();

      Map<Long, Long> lastPrice = new HashMap<>();
      long reads;
      long start = System.nanoTime();
      try (WriteBehindCache<Long, Long> priceWrites =
          WriteBehindCache.builder(priceCache, prices)
              .batchSize(500)
              .maxDelay(Duration.ofMillis(50))
              .queueCapacity(10_000)
              .build()) {
        reads =
            runWorkload(
                    operations,
                    Long.MAX_VALUE,
                    id -> Objects.requireNonNull(productNames.get(id), "product missing"),
                    (id, cents) -> {
                      priceWrites.put(id, cents);
                      lastPrice.put(id, cents);
                    })
                .reads();
        priceWrites.flush();
        double cachedSeconds = (System.nanoTime() - start) / 1e9;
        CacheStats readStats = productNames.stats();
        priceWrites.close();
        WriteBehindStats writeStats = priceWrites.writeStats();
        int pricesMatching = countMatchingPrices(dataSource, lastPrice);

        long directStart = System.nanoTime();
        WorkloadRun direct =
            runWorkload(
                Math.max(1, operations / DIRECT_OPERATIONS_DIVISOR),
                directStart + DIRECT_TIME_BUDGET_NANOS,
                id -> Objects.requireNonNull(names.load(id), "product missing"),
                (id, cents) -> prices.write(id, cents));
        double directSeconds = (System.nanoTime() - directStart) / 1e9;

        return new Report(
            operations,
            cachedSeconds,
            direct.operations(),
            directSeconds,
            reads,
            readStats,
            writeStats,
            writeStats.accepted(),
            pricesMatching,
            lastPrice.size());
      }
    }
  }

  /** What the workload does with a product id: read its name, or set its price. */
  @FunctionalInterface
  private interface Read {
    void read(long id) throws Exception;
  }

  @FunctionalInterface
  private interface Write {
    void write(long id, long cents) throws Exception;
  }

  /**
   * Runs up to {@code operations} operations with a fixed seed: 90% reads of a product (four in
   * five of them among the 100 most popular), 10% price changes. Stops early at {@code deadline}
   * ({@link System#nanoTime()}), checked every 100 operations.
   */
  private static WorkloadRun runWorkload(int operations, long deadline, Read read, Write write)
      throws Exception {
    SplittableRandom random = new SplittableRandom(SEED);
    long reads = 0;
    for (int i = 0; i < operations; i++) {
      if (i % 100 == 0 && i > 0 && System.nanoTime() - deadline > 0) {
        return new WorkloadRun(i, reads);
      }
      long id =
          random.nextInt(5) < 4 ? 1 + random.nextInt(PRODUCTS / 10) : 1 + random.nextInt(PRODUCTS);
      if (random.nextInt(10) == 0) {
        write.write(id, 100 + random.nextInt(100_000));
      } else {
        read.read(id);
        reads++;
      }
    }
    return new WorkloadRun(operations, reads);
  }

  /** How many operations a workload ran, and how many of them were reads. */
  private record WorkloadRun(int operations, long reads) {}

  private static HikariDataSource pooledH2(String databaseName) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:mem:" + databaseName + ";DB_CLOSE_DELAY=-1");
    config.setUsername("sa");
    config.setMaximumPoolSize(4);
    config.setPoolName("catalog-pool");
    return new HikariDataSource(config);
  }

  private static void createTables(DataSource dataSource) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("DROP TABLE IF EXISTS products");
      statement.execute("DROP TABLE IF EXISTS prices");
      statement.execute(
          "CREATE TABLE products (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL)");
      statement.execute("CREATE TABLE prices (id BIGINT PRIMARY KEY, cents BIGINT NOT NULL)");
      try (PreparedStatement insert =
          connection.prepareStatement("INSERT INTO products (id, name) VALUES (?, ?)")) {
        for (long id = 1; id <= PRODUCTS; id++) {
          insert.setLong(1, id);
          insert.setString(2, "Product #" + id);
          insert.addBatch();
        }
        insert.executeBatch();
      }
    }
  }

  private static int countMatchingPrices(DataSource dataSource, Map<Long, Long> expected)
      throws SQLException {
    Map<Long, Long> stored = new HashMap<>();
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT id, cents FROM prices")) {
      while (rows.next()) {
        stored.put(rows.getLong(1), rows.getLong(2));
      }
    }
    int matching = 0;
    for (Map.Entry<Long, Long> entry : expected.entrySet()) {
      if (entry.getValue().equals(stored.get(entry.getKey()))) {
        matching++;
      }
    }
    return matching;
  }

  static void print(Report report, PrintStream out) {
    CacheStats reads = report.readStats();
    WriteBehindStats writes = report.writeStats();
    out.printf(
        Locale.ROOT,
        "Strata cached catalog: %,d products in H2, %,d operations (90%% reads, 10%% price"
            + " changes)%n",
        PRODUCTS,
        report.operations());
    out.printf(
        Locale.ROOT,
        "  through the caches   %,10.0f ops/s  (%.2f s)%n",
        report.cachedOpsPerSecond(),
        report.cachedSeconds());
    out.printf(
        Locale.ROOT,
        "  read-through         hit ratio %.1f%%, %,d loads from the database (%.0f us each)%n",
        reads.hitRate() * 100,
        reads.loadCount(),
        reads.averageLoadPenaltyNanos() / 1000);
    out.printf(
        Locale.ROOT,
        "  write-behind         %,d price changes: %,d coalesced, %,d rows written in %,d"
            + " batches%n",
        writes.accepted(),
        writes.coalesced(),
        writes.written(),
        writes.batches());
    out.printf(
        Locale.ROOT,
        "  straight to the database %,6.0f ops/s  (%,d operations in %.2f s)%n",
        report.directOpsPerSecond(),
        report.directOperations(),
        report.directSeconds());
    out.printf(Locale.ROOT, "  speed-up             %.1fx%n", report.speedUp());
    out.printf(
        Locale.ROOT,
        "  prices in the table  %,d of %,d products hold their last written price%n",
        report.pricesMatching(),
        report.productsWithPriceChanges());
  }
}
