package dev.strata.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.samples.HealthSample.Report;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HealthSampleTest {

  @Test
  void servesTheChecksAndTakesTheDeadInstanceOutOfThePool() throws Exception {
    Report report = HealthSample.run();

    assertThat(report.readyStatus()).isEqualTo(200);
    assertThat(report.readyBody())
        .contains("\"status\":\"DEGRADED\"", "\"database\"", "\"search\"", "connection refused");
    assertThat(report.startedBeforeWarm()).isEqualTo(503);
    assertThat(report.startedAfterWarm()).isEqualTo(200);
    assertThat(report.markedDown()).isTrue();
    assertThat(report.picksAfterDeath())
        .containsOnlyKeys("instance-1")
        .containsEntry("instance-1", 100);

    ByteArrayOutputStream text = new ByteArrayOutputStream();
    HealthSample.print(report, new PrintStream(text, true, StandardCharsets.UTF_8));
    System.out.println(text.toString(StandardCharsets.UTF_8));
    assertThat(text.toString(StandardCharsets.UTF_8)).contains("marked down");
  }
}
