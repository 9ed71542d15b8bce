package dev.strata.cache.redis.writebehind;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.strata.cache.KeyCodec;
import dev.strata.cache.jdbc.JdbcCacheStore;
import dev.strata.cache.local.LocalCache;
import dev.strata.cache.redis.RedisWriteQueue;
import dev.strata.cache.redis.ValueCodec;
import dev.strata.cache.strategy.WriteBehindCache;
import dev.strata.testsupport.RedisServer;
import dev.strata.testsupport.TestDatabases;
import dev.strata.testsupport.WithRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Two nodes, each with its own Redis connection, queue and cache, write the same keys in turn; the
 * database must end with the last acknowledged write of every key (the in-memory queues of two
 * nodes write each key in flush order instead).
 */
@WithRedis
class TwoNodesAlternatingTest {

  @Test
  void theDatabaseEndsWithTheLastAcknowledgedWriteOfEachKey(RedisServer redis) throws Exception {
    HikariConfig config = new HikariConfig();
    config.setDataSource(
        TestDatabases.postgresAvailable()
            ? TestDatabases.postgres()
            : TestDatabases.h2(TestDatabases.uniqueName("two_nodes")));
    config.setMaximumPoolSize(4);
    String table = TestDatabases.uniqueName("wb_two");
    List<AutoCloseable> resources = new ArrayList<>();
    try (HikariDataSource pool = new HikariDataSource(config)) {
      execute(
          pool,
          "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, val VARCHAR(50), version BIGINT)");
      try {
        List<WriteBehindCache<Long, String>> nodes = new ArrayList<>();
        for (String node : List.of("a", "b")) {
          RedisClient client = RedisClient.create(redis.uri());
          StatefulRedisConnection<String, String> connection = client.connect();
          resources.add(client::shutdown);
          resources.add(connection);
          JdbcCacheStore<Long, String> store =
              JdbcCacheStore.builder(pool, Long.class, String.class)
                  .table(table)
                  .valueColumns("val")
                  .versionColumn("version")
                  .build();
          WriteBehindCache<Long, String> cache =
              WriteBehindCache.builder(
                      LocalCache.<Long, String>builder().name("users").maximumSize(1000).build(),
                      store)
                  .queue(
                      RedisWriteQueue.builder(
                              connection.async(), KeyCodec.longs(), ValueCodec.utf8())
                          .name("two-nodes")
                          .nodeId(node)
                          .partitions(4)
                          .leaseTime(Duration.ofSeconds(2))
                          .pollInterval(Duration.ofMillis(5))
                          .build())
                  .maxDelay(Duration.ofMillis(2))
                  .build();
          resources.add(cache);
          nodes.add(cache);
        }
        Random random = new Random(7);
        Map<Long, String> last = new HashMap<>();
        for (int i = 0; i < 2_000; i++) {
          long key = random.nextInt(50);
          String value = "w" + i;
          nodes.get(i % 2).put(key, value);
          last.put(key, value);
        }
        for (WriteBehindCache<Long, String> node : nodes) {
          assertThat(node.flush(Duration.ofSeconds(60))).isTrue();
        }
        assertThat(rows(pool, table)).isEqualTo(last);
      } finally {
        for (int i = resources.size() - 1; i >= 0; i--) {
          resources.get(i).close();
        }
        execute(pool, "DROP TABLE " + table);
      }
    }
  }

  private static void execute(DataSource db, String sql) throws Exception {
    try (Connection c = db.getConnection();
        Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private static Map<Long, String> rows(DataSource db, String table) throws Exception {
    Map<Long, String> rows = new HashMap<>();
    try (Connection c = db.getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, val FROM " + table)) {
      while (rs.next()) {
        rows.put(rs.getLong(1), rs.getString(2));
      }
    }
    return rows;
  }
}
