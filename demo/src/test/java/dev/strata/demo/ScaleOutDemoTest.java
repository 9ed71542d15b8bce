package dev.strata.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strata.demo.front.RequestRecord;
import dev.strata.demo.report.DemoSummary;
import dev.strata.demo.report.ReportPage;
import dev.strata.demo.report.TimelineBucket;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The README's demo, shortened: three service JVMs behind the front, one killed with SIGKILL and
 * restarted, one redeployed, with real Redis and H2.
 */
class ScaleOutDemoTest {

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void quickScenarioLosesNothingAndLeavesNoProcessBehind(@TempDir Path dir) throws Exception {
    Path report = dir.resolve("report.html");
    Path json = dir.resolve("summary.json");
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(new Tee(console, System.out), true, StandardCharsets.UTF_8);

    ScaleOutDemo.Outcome outcome =
        ScaleOutDemo.execute(
            DemoOptions.parse(
                "--quick", "--report", report.toString(), "--summary", json.toString()),
            out,
            new ByteArrayInputStream(new byte[0]));

    String printed = console.toString(StandardCharsets.UTF_8);
    assertThat(outcome.result()).as(printed).isNotNull();
    assertThat(outcome.exitCode()).as(printed).isZero();
    Scenario.Result result = outcome.result();
    DemoSummary summary = result.summary();
    assertThat(summary.problems()).isEmpty();
    assertThat(summary.failedRequests()).isZero();
    assertThat(summary.usersLoggedOut()).isZero();
    assertThat(summary.cartItemsLost()).isZero();
    assertThat(summary.cartItemsAcknowledged()).isPositive();
    assertThat(printed)
        .containsPattern("failed requests\\s+0")
        .containsPattern("users logged out\\s+0")
        .containsPattern("cart items lost\\s+0")
        .contains("RESULT: PASS");

    // the killed instance: nothing forwarded to it between being marked down and its restart,
    // traffic again after the restart
    String killed = result.killed();
    assertThat(result.markedDownAtEpochMillis())
        .isBetween(result.killedAtEpochMillis(), result.restartedAtEpochMillis());
    List<RequestRecord> whileDown =
        result.records().stream()
            .filter(r -> r.startEpochMillis() >= result.markedDownAtEpochMillis())
            .filter(r -> r.startEpochMillis() < result.restartedAtEpochMillis())
            .toList();
    assertThat(whileDown).isNotEmpty();
    assertThat(whileDown).noneMatch(r -> killed.equals(r.endpointId()));
    assertThat(whileDown).noneMatch(r -> r.attemptedEndpointIds().contains(killed));
    assertThat(result.records())
        .filteredOn(r -> r.startEpochMillis() >= result.killedAtEpochMillis())
        .filteredOn(r -> r.startEpochMillis() < result.restartedAtEpochMillis())
        .noneMatch(r -> killed.equals(r.endpointId()));
    assertThat(result.records())
        .filteredOn(r -> r.startEpochMillis() >= result.restartedAtEpochMillis())
        .anyMatch(r -> killed.equals(r.endpointId()));
    assertThat(summary.kill()).isNotNull();
    assertThat(summary.kill().servedAfterRestart()).isPositive();

    // a price update was seen on every other instance within the bound
    assertThat(summary.invalidation()).hasSize(6).allMatch(c -> c.delayMillis() >= 0);

    // no process left behind: Redis, every service JVM generation and their descendants
    // three instances, the killed one's restart and the redeployed one (plus Redis unless external)
    assertThat(outcome.started()).hasSizeGreaterThanOrEqualTo(3 + 2);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(outcome.started()).noneMatch(ProcessHandle::isAlive));

    // the JSON summary
    JsonNode node = JsonMapper.builder().build().readTree(Files.readString(json));
    assertThat(node.path("passed").asBoolean()).isTrue();
    assertThat(node.path("failedRequests").asLong()).isZero();
    assertThat(node.path("phases").size()).isEqualTo(summary.phases().size());

    // the HTML report renders with its script and charts carrying data
    try (ReportPage page = ReportPage.load(report)) {
      assertThat(page.scriptErrors()).isEmpty();
      assertThat(page.requestedUrls()).isEmpty();
      assertThat(page.page().getBody().getAttribute("data-ready")).isEqualTo("true");
      assertThat(page.chartSeries("requests-chart"))
          .containsExactly("app-1", "app-2", "app-3", "failed");
      assertThat(page.chartSeries("latency-chart")).containsExactly("p50", "p99");
      int buckets = summary.timeline().buckets().size();
      assertThat(page.pointCount("requests-chart")).isEqualTo(4 * buckets);
      assertThat(page.page().querySelectorAll("#requests-chart g.marker-kill")).hasSize(1);
      assertThat(page.page().querySelectorAll("#requests-chart g.marker-restart")).isNotEmpty();
      assertThat(page.page().querySelectorAll("#requests-chart g.marker-deploy")).isNotEmpty();
    }
    assertThat(summary.timeline().buckets())
        .extracting(TimelineBucket::requestsPerInstance)
        .anyMatch(m -> m.get(killed) > 0);
  }

  /** Copies the demo's console to the test output as well. */
  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws java.io.IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public void write(byte[] bytes, int off, int len) throws java.io.IOException {
      a.write(bytes, off, len);
      b.write(bytes, off, len);
    }

    @Override
    public void flush() throws java.io.IOException {
      a.flush();
      b.flush();
    }
  }
}
