package dev.strata.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.samples.LocalCacheSample.Report;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LocalCacheSampleTest {

  @Test
  void loadsOnceForConcurrentMissesBulkLoadsOnlyMissesAndExpiresAfterTheTtl() throws Exception {
    Report report = LocalCacheSample.run();

    assertThat(report.concurrentCallers()).isEqualTo(8);
    assertThat(report.loadsForConcurrentMiss()).isEqualTo(1);
    assertThat(report.bulkKeysLoaded()).isEqualTo(4);
    assertThat(report.negativeLookupsLoaded()).isEqualTo(1);
    assertThat(report.expiredEvictions()).isGreaterThanOrEqualTo(5);
    assertThat(report.loadsAfterExpiry()).isEqualTo(1);
    assertThat(report.stats().loadCount()).isGreaterThanOrEqualTo(4);
    assertThat(report.stats().hitCount()).isPositive();

    ByteArrayOutputStream text = new ByteArrayOutputStream();
    LocalCacheSample.print(report, new PrintStream(text, true, StandardCharsets.UTF_8));
    assertThat(text.toString(StandardCharsets.UTF_8))
        .contains("8 callers missed on one key together: 1 load", "one loadAll for 4 keys");
  }
}
