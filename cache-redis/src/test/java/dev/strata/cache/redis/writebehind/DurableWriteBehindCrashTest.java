package dev.strata.cache.redis.writebehind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strata.cache.KeyCodec;
import dev.strata.cache.jdbc.JdbcCacheStore;
import dev.strata.cache.local.LocalCache;
import dev.strata.cache.redis.RedisWriteQueue;
import dev.strata.cache.redis.ValueCodec;
import dev.strata.cache.strategy.WriteBehindCache;
import dev.strata.testsupport.RedisServer;
import dev.strata.testsupport.TestDatabases;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills writer processes ({@code kill -9}) while their batches are in flight and checks that the
 * database ends with exactly the last acknowledged write of every key, the partitions being taken
 * over by this JVM as the second node. PostgreSQL at 127.0.0.1:5432 when reachable, else an H2 file
 * database shared by both processes. Redis runs with AOF ({@code everysec}; {@code always} for the
 * test that kills Redis itself).
 *
 * <p>System properties: {@code strata.crash.rounds} (8 in the normal build, which keeps {@code
 * verify} short on two cores; {@code -Dstrata.crash.rounds=20} for the full proof, a quarter of
 * that for the Redis restarts), {@code strata.crash.dbDownSeconds} (3; set 30 for the long outage).
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES) // up to 20 rounds of child JVMs on a busy machine
class DurableWriteBehindCrashTest {

  private static final Logger LOG = LoggerFactory.getLogger(DurableWriteBehindCrashTest.class);
  private static final int KEYS = 200;
  private static RedisServer redis;
  private static String jdbcUrl;
  private static String jdbcUser;
  private static final String TABLE = TestDatabases.uniqueName("wb_crash");

  @TempDir static Path dir;

  @BeforeAll
  static void start() throws SQLException {
    redis =
        RedisServer.builder().setting("appendonly", "yes").setting("appendfsync", "always").start();
    if (TestDatabases.postgresAvailable()) {
      jdbcUrl = TestDatabases.postgresUrl();
      jdbcUser = System.getenv().getOrDefault("STRATA_PG_USER", "postgres");
    } else {
      jdbcUrl =
          "jdbc:h2:file:"
              + dir.resolve("crash").toAbsolutePath()
              + ";AUTO_SERVER=TRUE;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
      jdbcUser = "sa";
    }
    execute("CREATE TABLE " + TABLE + " (id BIGINT PRIMARY KEY, val VARCHAR(100), version BIGINT)");
  }

  @AfterAll
  static void stop() throws SQLException {
    try {
      execute("DROP TABLE IF EXISTS " + TABLE);
    } finally {
      redis.close();
    }
  }

  private static Connection connect() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", jdbcUser);
    return DriverManager.getConnection(jdbcUrl, properties);
  }

  private static void execute(String sql) throws SQLException {
    try (Connection c = connect();
        Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private static Map<Long, String> rows() throws SQLException {
    Map<Long, String> rows = new HashMap<>();
    try (Connection c = connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, val FROM " + TABLE)) {
      while (rs.next()) {
        rows.put(rs.getLong(1), rs.getString(2));
      }
    }
    return rows;
  }

  private static void blockWrites(boolean blocked) throws SQLException {
    boolean postgres = jdbcUrl.startsWith("jdbc:postgresql");
    execute(
        blocked
            ? "ALTER TABLE "
                + TABLE
                + " ADD CONSTRAINT "
                + TABLE
                + "_down CHECK (id < 0)"
                + (postgres ? " NOT VALID" : " NOCHECK")
            : "ALTER TABLE " + TABLE + " DROP CONSTRAINT " + TABLE + "_down");
  }

  /** A writer child process. */
  private static final class Child implements AutoCloseable {
    final Process process;
    final Path record;

    Child(String mode, String queue, String node, long seed) throws IOException {
      record = dir.resolve(queue + "-" + node + ".log");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      process =
          new ProcessBuilder(
                  java,
                  "-Xmx128m",
                  "-XX:TieredStopAtLevel=1",
                  "-cp",
                  System.getProperty("java.class.path"),
                  CrashingWriterMain.class.getName(),
                  mode,
                  redis.uri(),
                  jdbcUrl,
                  jdbcUser,
                  TABLE,
                  queue,
                  node,
                  record.toString(),
                  Integer.toString(KEYS),
                  Long.toString(seed),
                  "0")
              .redirectErrorStream(true)
              .start();
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String ready =
          CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      String line;
                      while ((line = out.readLine()) != null && !line.equals("READY")) {
                        LOG.debug("child: {}", line);
                      }
                      return line;
                    } catch (IOException e) {
                      return null;
                    }
                  })
              .orTimeout(60, TimeUnit.SECONDS)
              .join();
      assertThat(ready).as("the child started").isEqualTo("READY");
      CompletableFuture.runAsync(
          () -> {
            try {
              while (out.readLine() != null) {
                // drain
              }
            } catch (IOException e) {
              // the child died
            }
          });
    }

    long recordedBytes() throws IOException {
      return Files.exists(record) ? Files.size(record) : 0;
    }

    void awaitBytes(long bytes) {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(5))
          .until(() -> recordedBytes() >= bytes);
    }

    void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
      kill();
    }
  }

  /** Takes the queue over in this JVM and waits until everything pending is written. */
  private static void survive(String queue) throws Exception {
    RedisClient client = RedisClient.create(redis.uri());
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      JdbcCacheStore<Long, String> store =
          JdbcCacheStore.builder(new SlowDatabase(jdbcUrl, jdbcUser, 1), Long.class, String.class)
              .table(TABLE)
              .valueColumns("val")
              .versionColumn("version")
              .build();
      try (WriteBehindCache<Long, String> cache =
          WriteBehindCache.builder(
                  LocalCache.<Long, String>builder().name(queue).maximumSize(1000).build(), store)
              .queue(
                  RedisWriteQueue.builder(connection.async(), KeyCodec.longs(), ValueCodec.utf8())
                      .name(queue)
                      .nodeId("survivor")
                      .partitions(4)
                      .leaseTime(Duration.ofSeconds(1))
                      .pollInterval(Duration.ofMillis(5))
                      .build())
              .batchSize(200)
              .maxDelay(Duration.ofMillis(5))
              .build()) {
        assertThat(cache.flush(Duration.ofSeconds(120)))
            .as("the survivor wrote every pending entry of " + queue)
            .isTrue();
      }
    } finally {
      client.shutdown();
    }
  }

  private static List<String> check(List<Path> records) throws Exception {
    AckRecord acks = AckRecord.read(records);
    List<String> wrong = acks.mismatches(rows());
    LOG.info("{} acknowledged writes checked, {} wrong", acks.acknowledged(), wrong.size());
    assertThat(acks.acknowledged()).as("the child acknowledged writes before it died").isPositive();
    return wrong;
  }

  private static int rounds() {
    return Integer.getInteger("strata.crash.rounds", 8);
  }

  @Test
  void killedWritersLoseNothingAcknowledgedAndReorderNothing() throws Exception {
    Random random = new Random();
    for (int round = 0; round < rounds(); round++) {
      execute("DELETE FROM " + TABLE);
      String queue = "kill" + round;
      long killAt = 1_000 + random.nextInt(20_000);
      Child child = new Child("durable", queue, "a", random.nextLong());
      child.awaitBytes(killAt);
      child.kill();
      survive(queue);
      assertThat(check(List.of(child.record)))
          .as("round %d, killed at %d bytes", round, killAt)
          .isEmpty();
    }
  }

  @Test
  void aRedisRestartWithAofInTheMiddleLosesNothingAcknowledged() throws Exception {
    // every acknowledged write must be on disk before Redis is killed
    redis.command("CONFIG", "SET", "appendfsync", "always");
    Random random = new Random();
    int rounds = Math.max(1, rounds() / 4);
    for (int round = 0; round < rounds; round++) {
      execute("DELETE FROM " + TABLE);
      String queue = "restart" + round;
      Child child = new Child("durable", queue, "a", random.nextLong());
      child.awaitBytes(2_000 + random.nextInt(20_000));
      redis.restart();
      long after = child.recordedBytes();
      child.awaitBytes(after + 2_000 + random.nextInt(20_000));
      child.kill();
      survive(queue);
      assertThat(check(List.of(child.record))).as("round %d", round).isEmpty();
    }
  }

  @Test
  void aDatabaseOutageLosesNothingAcknowledgedWithTheDurableQueueButDoesWithTheInMemoryOne()
      throws Exception {
    long downMillis = TimeUnit.SECONDS.toMillis(Long.getLong("strata.crash.dbDownSeconds", 3));
    for (String mode : List.of("durable", "memory")) {
      execute("DELETE FROM " + TABLE);
      String queue = "outage-" + mode;
      Child child = new Child(mode, queue, "a", 42);
      child.awaitBytes(5_000);
      blockWrites(true);
      long since = System.nanoTime();
      long before = child.recordedBytes();
      child.awaitBytes(before + 20_000);
      child.kill(); // dies while the database is down: its acknowledged writes wait in the queue
      long left = downMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
      if (left > 0) {
        Thread.sleep(left); // the outage lasts this long whatever the writers do
      }
      blockWrites(false);
      if (mode.equals("durable")) {
        survive(queue);
        assertThat(check(List.of(child.record))).as("durable queue").isEmpty();
      } else {
        List<String> wrong = check(List.of(child.record));
        LOG.info(
            "in-memory queue after a kill: {} keys lost their last acknowledged write",
            wrong.size());
        assertThat(wrong)
            .as("the in-memory queue loses acknowledged writes when its process is killed")
            .isNotEmpty();
      }
    }
  }
}
