package dev.strata.jmh;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.strata.cache.KeyCodec;
import dev.strata.cache.jdbc.JdbcCacheStore;
import dev.strata.cache.local.LocalCache;
import dev.strata.cache.redis.RedisWriteQueue;
import dev.strata.cache.redis.ValueCodec;
import dev.strata.cache.strategy.WriteBehindCache;
import dev.strata.cache.strategy.WriteBehindStats;
import dev.strata.cache.strategy.WriteThroughCache;
import dev.strata.testsupport.RedisServer;
import dev.strata.testsupport.TestDatabases;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Write-through against write-behind (in-memory queue) against durable write-behind (Redis Streams
 * queue), all {@link LocalCache}s in front of the same table through the same {@link
 * JdbcCacheStore} and HikariCP pool: PostgreSQL at {@link TestDatabases#postgresUrl()} (a fresh
 * schema per run) when it answers, an in-memory H2 database otherwise. Writes go to a hot set of
 * {@value #HOT_KEYS} keys. The durable queue talks to a private redis-server (test-support) with
 * AOF {@code everysec}; its store writes with sequences into a version column.
 *
 * <p>A write-through put returns after its row is committed; a write-behind put after it is cached
 * and queued (in memory, or in Redis: one Lua script round trip), the flusher writing coalesced
 * batches meanwhile. Each measurement iteration ends with a {@code flush()} (not timed), so no
 * iteration leaves work to the next, and the trial prints the write-behind counters (rows written,
 * batches) to show that the database did receive the writes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Threads(1)
public class WriteBehindBenchmark {

  /** Number of distinct keys written. */
  static final int HOT_KEYS = 1_000;

  private final Long[] keys = new Long[HOT_KEYS];
  private HikariDataSource pool;
  private WriteThroughCache<Long, String> writeThrough;
  private WriteBehindCache<Long, String> writeBehind;
  private WriteBehindCache<Long, String> durableWriteBehind;
  private RedisServer redis;
  private RedisClient redisClient;
  private StatefulRedisConnection<String, String> redisConnection;
  private long sequence;

  @Setup(Level.Trial)
  public void setUp() throws SQLException {
    boolean postgres = TestDatabases.postgresAvailable();
    DataSource database =
        postgres
            ? TestDatabases.postgresWithFreshSchema()
            : TestDatabases.h2(TestDatabases.uniqueName("write_behind"));
    HikariConfig config = new HikariConfig();
    config.setDataSource(database);
    config.setMaximumPoolSize(4);
    config.setPoolName("write-behind-benchmark");
    pool = new HikariDataSource(config);
    try (Connection connection = pool.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("DROP TABLE IF EXISTS hot_rows");
      statement.execute(
          "CREATE TABLE hot_rows (id BIGINT PRIMARY KEY, payload VARCHAR(64), version BIGINT)");
    }
    System.out.println(
        "WriteBehindBenchmark database: "
            + (postgres ? "PostgreSQL " + TestDatabases.postgresUrl() : "H2 (in memory)"));

    JdbcCacheStore<Long, String> store =
        JdbcCacheStore.builder(pool, Long.class, String.class)
            .table("hot_rows")
            .keyColumn("id")
            .valueColumns("payload")
            .build();
    writeThrough =
        WriteThroughCache.builder(
                LocalCache.<Long, String>builder()
                    .name("write-through")
                    .maximumSize(10 * HOT_KEYS)
                    .build(),
                store)
            .build();
    writeBehind =
        WriteBehindCache.builder(
                LocalCache.<Long, String>builder()
                    .name("write-behind")
                    .maximumSize(10 * HOT_KEYS)
                    .build(),
                store)
            .batchSize(500)
            .maxDelay(Duration.ofMillis(20))
            .queueCapacity(10_000)
            .build();
    redis = RedisServer.builder().setting("appendonly", "yes").start();
    redisClient = RedisClient.create(redis.uri());
    redisConnection = redisClient.connect();
    durableWriteBehind =
        WriteBehindCache.builder(
                LocalCache.<Long, String>builder()
                    .name("durable-write-behind")
                    .maximumSize(10 * HOT_KEYS)
                    .build(),
                JdbcCacheStore.builder(pool, Long.class, String.class)
                    .table("hot_rows")
                    .keyColumn("id")
                    .valueColumns("payload")
                    .versionColumn("version")
                    .build())
            .queue(
                RedisWriteQueue.builder(
                        redisConnection.async(), KeyCodec.longs(), ValueCodec.utf8())
                    .name("bench")
                    .partitions(8)
                    .capacity(1_000_000)
                    .build())
            .batchSize(500)
            .maxDelay(Duration.ofMillis(20))
            .build();
    for (int i = 0; i < HOT_KEYS; i++) {
      keys[i] = (long) i;
    }
  }

  @TearDown(Level.Iteration)
  public void flush() throws InterruptedException {
    writeBehind.flush();
    durableWriteBehind.flush();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    writeBehind.close();
    durableWriteBehind.close();
    print("write-behind", writeBehind.writeStats());
    print("durable write-behind", durableWriteBehind.writeStats());
    redisConnection.close();
    redisClient.shutdown();
    redis.close();
    pool.close();
  }

  private static void print(String what, WriteBehindStats stats) {
    if (stats.accepted() > 0) {
      System.out.printf(
          "%s: %,d writes accepted, %,d coalesced, %,d rows written in %,d batches%n",
          what, stats.accepted(), stats.coalesced(), stats.written(), stats.batches());
    }
  }

  @Benchmark
  public void writeThroughPut() {
    long n = sequence++;
    writeThrough.put(keys[(int) (n % HOT_KEYS)], "v" + n);
  }

  @Benchmark
  public void durableWriteBehindPut() {
    long n = sequence++;
    durableWriteBehind.put(keys[(int) (n % HOT_KEYS)], "v" + n);
  }

  @Benchmark
  public void writeBehindPut() {
    long n = sequence++;
    writeBehind.put(keys[(int) (n % HOT_KEYS)], "v" + n);
  }
}
