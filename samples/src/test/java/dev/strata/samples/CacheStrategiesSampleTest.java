package dev.strata.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.samples.CacheStrategiesSample.Customer;
import dev.strata.samples.CacheStrategiesSample.Report;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CacheStrategiesSampleTest {

  @Test
  void eachStrategyShowsItsBehaviourAgainstTheTable() throws Exception {
    Report report = CacheStrategiesSample.run("strategies-test");

    assertThat(report.asideAfterEvict()).isEqualTo("ada@new.example");
    assertThat(report.bulkRead()).isEqualTo(4);
    assertThat(report.refreshedEmail()).isEqualTo("grace@moved.example");
    assertThat(report.refusedWrite()).startsWith("SQLState 23");
    assertThat(report.cachedAfterRefusal()).isEqualTo("alan@example.org");
    assertThat(report.rowAfterDelete()).isNull();

    assertThat(report.rowAfterCoalescing())
        .isEqualTo(new Customer("Edsger", "edsger3@example.org"));
    assertThat(report.writeStats().accepted()).isEqualTo(4);
    assertThat(report.writeStats().written() + report.writeStats().coalesced()).isEqualTo(3);
    assertThat(report.writeStats().deadLettered()).isEqualTo(1);
    assertThat(report.writeStats().retries()).isPositive();
    assertThat(report.deadLettered())
        .singleElement()
        .satisfies(w -> assertThat(w.key()).isEqualTo(6L));
    assertThat(report.deadLetterDroppedFromCache()).isTrue();

    ByteArrayOutputStream text = new ByteArrayOutputStream();
    CacheStrategiesSample.print(report, new PrintStream(text, true, StandardCharsets.UTF_8));
    assertThat(text.toString(StandardCharsets.UTF_8))
        .contains("dropped from the cache", "4 customers in one query");
  }
}
