package dev.strata.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.samples.RedisCacheSample.Report;
import dev.strata.testsupport.RedisServer;
import dev.strata.testsupport.WithRedis;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

@WithRedis
class RedisCacheSampleTest {

  @Test
  void bulkLoadsOnlyMissesAndTheInvalidationOfNodeAReachesNodeB(RedisServer redis)
      throws Exception {
    Report report = RedisCacheSample.run(redis.uri());

    assertThat(report.bulkSize()).isEqualTo(5);
    assertThat(report.keysBulkLoaded()).isEqualTo(3);
    assertThat(report.ttlMillis()).isBetween(1L, 600_000L);
    assertThat(report.storedJson()).contains("\"name\":\"Product #1\"", "\"cents\":1001");
    // Node B held the old price in its L1: it sees the new one only if the invalidation arrived.
    assertThat(report.nodeBAfter()).isEqualTo(report.nodeBBefore() + 500);
    assertThat(report.nodeBInvalidations()).isGreaterThanOrEqualTo(1);

    ByteArrayOutputStream text = new ByteArrayOutputStream();
    RedisCacheSample.print(report, new PrintStream(text, true, StandardCharsets.UTF_8));
    assertThat(text.toString(StandardCharsets.UTF_8)).contains("one loadAll of 3 ids");
  }
}
