package dev.strata.demo.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class SummaryOutputTest {

  @Test
  void tableShowsPhasesZerosAndAPass() {
    String table = SummaryTable.render(ReportFixtures.summary(List.of()));

    assertThat(table)
        .contains("spread + warm-up")
        .containsPattern("failed requests\\s+0")
        .containsPattern("users logged out\\s+0")
        .containsPattern("cart items lost\\s+0 \\(of 120 acknowledged\\)")
        .contains("810 (900 product reads, 90 database queries)")
        .contains("p50 2.5 ms, p99 31.0 ms")
        .contains("out of selection 300 ms after SIGKILL")
        .contains("after at most 12 ms on every other instance")
        .contains("RESULT: PASS");
    assertThat(
            table.lines().filter(l -> l.startsWith("spread + warm-up")).findFirst().orElseThrow())
        .containsPattern("400\\s+200\\s+400\\s+1000\\s+0\\s+1\\s+75.0%");
  }

  @Test
  void tableListsProblemsOnFailure() {
    String table =
        SummaryTable.render(
            ReportFixtures.summary(List.of("2 users logged out: [user-01, user-02]")));

    assertThat(table)
        .contains("RESULT: FAIL")
        .contains("  - 2 users logged out: [user-01, user-02]");
  }

  @Test
  void jsonCarriesEveryFieldAndWritesNaNAsNull(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sub/summary.json");
    SummaryJson.write(ReportFixtures.summary(List.of()), file);

    JsonNode json = JsonMapper.builder().build().readTree(Files.readString(file));
    assertThat(json.path("passed").asBoolean()).isTrue();
    assertThat(json.path("failedRequests").asLong()).isZero();
    assertThat(json.path("usersLoggedOut").asLong()).isZero();
    assertThat(json.path("cartItemsLost").asLong()).isZero();
    assertThat(json.path("databaseQueriesSaved").asLong()).isEqualTo(810);
    assertThat(json.path("kill").path("markedDownAfterMillis").asLong()).isEqualTo(300);
    assertThat(json.path("phases").get(0).path("requestsPerInstance").path("app-2").asLong())
        .isEqualTo(200);
    assertThat(json.path("phases").get(1).path("hitRatio").isNull()).isTrue();
    assertThat(json.path("timeline").path("buckets")).hasSize(10);
    assertThat(json.path("timeline").path("markers").get(0).path("kind").asString())
        .isEqualTo("kill");
  }
}
