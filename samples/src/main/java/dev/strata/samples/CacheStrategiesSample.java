package dev.strata.samples;

import dev.strata.cache.CacheWriteException;
import dev.strata.cache.jdbc.JdbcCacheStore;
import dev.strata.cache.local.LocalCache;
import dev.strata.cache.strategy.CacheAside;
import dev.strata.cache.strategy.QueuedWrite;
import dev.strata.cache.strategy.ReadThroughCache;
import dev.strata.cache.strategy.WriteBehindCache;
import dev.strata.cache.strategy.WriteBehindStats;
import dev.strata.cache.strategy.WriteThroughCache;
import io.github.resilience4j.retry.RetryConfig;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.jspecify.annotations.Nullable;

/**
 * {@code strata-cache-api} strategies over a JDBC table (an in-memory H2 database), covering what
 * {@link CachedCatalogSample} does not: a two-column row through a {@link JdbcCacheStore} with a
 * row mapper and a value binder, then
 *
 * <ul>
 *   <li><b>cache-aside</b> ({@link CacheAside}): change the row yourself, then evict;
 *   <li><b>read-through</b> ({@link ReadThroughCache}): a bulk {@code getAll} in one {@code SELECT
 *       ... IN}, and refresh-ahead: an entry older than {@code refreshAfter} is served at once and
 *       reloaded in the background (a hand-moved clock stands in for the minutes passing);
 *   <li><b>write-through</b> ({@link WriteThroughCache}): a write the database refuses (a {@code
 *       CHECK} constraint) throws and leaves the cache as it was; a delete removes row and entry;
 *   <li><b>write-behind</b> ({@link WriteBehindCache}): repeated writes to one key coalesce into
 *       one row write, and a write the database keeps refusing is retried, then handed to the
 *       dead-letter handler and dropped from the cache.
 * </ul>
 *
 * <p>No external service. Run it with {@code java -cp samples/target/strata-samples.jar
 * dev.strata.samples.CacheStrategiesSample}.
 */
public final class CacheStrategiesSample {

  /**
   * A row of the {@code customers} table.
   *
   * @param name the customer's name
   * @param email the customer's e-mail address; the table refuses one without {@code @}
   */
  public record Customer(String name, String email) {}

  /**
   * What the sample observed.
   *
   * @param asideAfterEvict the e-mail cache-aside read after the row changed and the key was
   *     evicted
   * @param bulkRead customers read by one {@code getAll}
   * @param refreshedEmail the e-mail read-through served after the background refresh
   * @param refusedWrite the error of the write the database refused
   * @param cachedAfterRefusal the e-mail in the cache after that refused write
   * @param rowAfterDelete the row of a deleted customer (null: gone)
   * @param writeStats the write-behind counters after the last flush
   * @param deadLettered the writes handed to the dead-letter handler
   * @param deadLetterDroppedFromCache whether the dead-lettered key left the cache
   * @param rowAfterCoalescing the row of the customer written three times behind
   */
  record Report(
      @Nullable String asideAfterEvict,
      int bulkRead,
      @Nullable String refreshedEmail,
      String refusedWrite,
      @Nullable String cachedAfterRefusal,
      @Nullable Customer rowAfterDelete,
      WriteBehindStats writeStats,
      List<QueuedWrite<Long, Customer>> deadLettered,
      boolean deadLetterDroppedFromCache,
      @Nullable Customer rowAfterCoalescing) {}

  private CacheStrategiesSample() {}

  /**
   * Runs the sample and prints its report.
   *
   * @param args ignored
   */
  public static void main(String[] args) throws Exception {
    print(run("strategies"), System.out);
  }

  static Report run(String databaseName) throws Exception {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:mem:" + databaseName + ";DB_CLOSE_DELAY=-1");
    createTable(dataSource);
    JdbcCacheStore<Long, Customer> customers =
        JdbcCacheStore.builder(dataSource, Long.class, Customer.class)
            .table("customers")
            .keyColumn("id")
            .valueColumns("name", "email")
            .rowMapper(row -> new Customer(row.getString("name"), row.getString("email")))
            .valueBinder(
                (statement, first, customer) -> {
                  statement.setString(first, customer.name());
                  statement.setString(first + 1, customer.email());
                })
            .build();

    // Cache-aside: the application writes the row, then evicts the cached copy.
    CacheAside<Long, Customer> aside = CacheAside.of(newCache("aside"), customers);
    aside.get(1L);
    customers.write(1L, new Customer("Ada", "ada@new.example"));
    aside.evict(1L);
    String asideEmail = email(aside.get(1L));

    // Read-through with refresh-ahead, on a clock the sample moves by hand.
    MovableClock clock = new MovableClock();
    ReadThroughCache<Long, Customer> reads =
        ReadThroughCache.builder(newCache("reads"), customers)
            .ttl(Duration.ofMinutes(10))
            .refreshAfter(Duration.ofMinutes(8))
            .refreshExecutor(Runnable::run) // an application passes a small thread pool
            .clock(clock)
            .build();
    int bulk = reads.getAll(List.of(1L, 2L, 3L, 4L)).size(); // one SELECT ... WHERE id IN (...)
    customers.write(2L, new Customer("Grace", "grace@moved.example"));
    clock.advance(Duration.ofMinutes(9));
    reads.get(2L); // older than 8 minutes: served at once, reloaded in the background
    String refreshed = email(reads.get(2L));

    // Write-through: the database first, then the cache; a refused write changes neither.
    WriteThroughCache<Long, Customer> writes =
        WriteThroughCache.builder(newCache("writes"), customers).build();
    writes.put(3L, new Customer("Alan", "alan@example.org"));
    String refused;
    try {
      writes.put(3L, new Customer("Alan", "no address"));
      refused = "(accepted)";
    } catch (CacheWriteException e) {
      refused =
          e.getCause() instanceof SQLException sql
              ? "SQLState " + sql.getSQLState()
              : String.valueOf(e.getCause());
    }
    String cachedAfterRefusal = email(writes.getIfPresent(3L));
    writes.delete(4L);
    Customer deleted = customers.load(4L);

    // Write-behind: coalescing, then a refused write that ends in the dead-letter handler.
    List<QueuedWrite<Long, Customer>> deadLetters = new CopyOnWriteArrayList<>();
    WriteBehindStats stats;
    boolean dropped;
    try (WriteBehindCache<Long, Customer> behind =
        WriteBehindCache.builder(newCache("behind"), customers)
            .batchSize(100)
            .maxDelay(Duration.ofMillis(20))
            .retry(RetryConfig.custom().maxAttempts(2).waitDuration(Duration.ofMillis(10)).build())
            .deadLetterHandler((failed, error) -> deadLetters.addAll(failed))
            .build()) {
      for (int i = 1; i <= 3; i++) {
        behind.put(5L, new Customer("Edsger", "edsger" + i + "@example.org"));
      }
      behind.flush(); // returns when every write acknowledged before it is in the table
      behind.put(6L, new Customer("Barbara", "no address"));
      behind.flush(); // retried, then dead-lettered
      stats = behind.writeStats();
      dropped = behind.getIfPresent(6L) == null;
    }

    return new Report(
        asideEmail,
        bulk,
        refreshed,
        refused,
        cachedAfterRefusal,
        deleted,
        stats,
        List.copyOf(deadLetters),
        dropped,
        customers.load(5L));
  }

  private static LocalCache<Long, Customer> newCache(String name) {
    return LocalCache.<Long, Customer>builder().name(name).maximumSize(10_000).build();
  }

  private static @Nullable String email(@Nullable Customer customer) {
    return customer == null ? null : customer.email();
  }

  private static void createTable(DataSource dataSource) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("DROP TABLE IF EXISTS customers");
      statement.execute(
          "CREATE TABLE customers (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL,"
              + " email VARCHAR(200) NOT NULL CHECK (email LIKE '%@%'))");
      statement.execute(
          "INSERT INTO customers VALUES (1, 'Ada', 'ada@example.org'),"
              + " (2, 'Grace', 'grace@example.org'), (3, 'Alan', 'alan@example.org'),"
              + " (4, 'Donald', 'donald@example.org')");
    }
  }

  /** A clock that moves only when told to. */
  private static final class MovableClock extends Clock {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  static void print(Report report, PrintStream out) {
    WriteBehindStats writes = report.writeStats();
    out.println("Strata caching strategies over a JDBC table (cache-api, H2)");
    out.printf("  cache-aside     after the row changed and evict: %s%n", report.asideAfterEvict());
    out.printf("  read-through    getAll of 4 ids: %d customers in one query%n", report.bulkRead());
    out.printf(
        "  refresh-ahead   9 minutes later the entry was reloaded: %s%n", report.refreshedEmail());
    out.printf(
        "  write-through   refused by the database (%s); the cache still holds %s%n",
        report.refusedWrite(), report.cachedAfterRefusal());
    out.printf("  write-through   delete: row now %s%n", report.rowAfterDelete());
    out.printf(
        "  write-behind    writes accepted %d, coalesced %d, rows written %d; row 5 = %s%n",
        writes.accepted(), writes.coalesced(), writes.written(), report.rowAfterCoalescing());
    out.printf(
        "  dead letters    %d (retries %d): %s, %s%n",
        writes.deadLettered(),
        writes.retries(),
        report.deadLettered(),
        report.deadLetterDroppedFromCache() ? "dropped from the cache" : "STILL CACHED");
  }
}
