package dev.strata.cache.redis.writebehind;

import dev.strata.cache.KeyCodec;
import dev.strata.cache.jdbc.JdbcCacheStore;
import dev.strata.cache.local.LocalCache;
import dev.strata.cache.redis.RedisWriteQueue;
import dev.strata.cache.redis.ValueCodec;
import dev.strata.cache.strategy.WriteBehindCache;
import io.github.resilience4j.retry.RetryConfig;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;

/**
 * A node that writes through a write-behind cache until it is killed, recording each write in a
 * file: {@code I key value} before the put, {@code A key value} once it was acknowledged, {@code F
 * key value} when it failed. Run by {@link DurableWriteBehindCrashTest} as a child JVM.
 *
 * <p>Arguments: mode ({@code durable} or {@code memory}), Redis URI, JDBC URL, JDBC user, table,
 * queue name, node id, record file, number of keys, seed, first value number.
 */
public final class CrashingWriterMain {

  private CrashingWriterMain() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    String redisUri = args[1];
    String jdbcUrl = args[2];
    String jdbcUser = args[3];
    String table = args[4];
    String queueName = args[5];
    String nodeId = args[6];
    String recordFile = args[7];
    int keys = Integer.parseInt(args[8]);
    Random random = new Random(Long.parseLong(args[9]));
    long first = Long.parseLong(args[10]);

    SlowDatabase database = new SlowDatabase(jdbcUrl, jdbcUser, random.nextLong());
    JdbcCacheStore<Long, String> store =
        JdbcCacheStore.builder(database, Long.class, String.class)
            .table(table)
            .valueColumns("val")
            .versionColumn("version")
            .queryTimeout(Duration.ofSeconds(5))
            .build();
    WriteBehindCache.Builder<Long, String> builder =
        WriteBehindCache.builder(
                LocalCache.<Long, String>builder().name(queueName).maximumSize(10_000).build(),
                store)
            .batchSize(50)
            .maxDelay(Duration.ofMillis(5))
            .retry(
                RetryConfig.custom()
                    .maxAttempts(Integer.MAX_VALUE)
                    .waitDuration(Duration.ofMillis(50))
                    .build());
    if (mode.equals("durable")) {
      RedisClient client = RedisClient.create(redisUri);
      StatefulRedisConnection<String, String> connection = client.connect();
      builder.queue(
          RedisWriteQueue.builder(connection.async(), KeyCodec.longs(), ValueCodec.utf8())
              .name(queueName)
              .nodeId(nodeId)
              .partitions(4)
              .leaseTime(Duration.ofSeconds(1))
              .pollInterval(Duration.ofMillis(5))
              .commandTimeout(Duration.ofSeconds(2))
              .build());
    }
    WriteBehindCache<Long, String> cache = builder.build();
    try (FileOutputStream out = new FileOutputStream(recordFile, true)) {
      System.out.println("READY");
      System.out.flush();
      for (long n = first; ; n++) {
        long key = random.nextInt(keys);
        String value = nodeId + "-" + n;
        out.write(("I " + key + " " + value + "\n").getBytes(StandardCharsets.UTF_8));
        String outcome;
        try {
          cache.put(key, value);
          outcome = "A ";
        } catch (RuntimeException e) {
          outcome = "F ";
        }
        out.write((outcome + key + " " + value + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
  }
}
