package dev.strata.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class HealthReportRenderingTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Instant NOW = Instant.parse("2026-11-27T21:00:00.123Z");

  private static HealthReport report(CheckRun... outcomes) {
    return new HealthReport(
        HealthGroup.READINESS, Arrays.asList(outcomes), NOW, Duration.ofMinutes(90));
  }

  private static CheckRun outcome(String name, CheckResult result, boolean critical) {
    return new CheckRun(name, result, critical, Duration.ofNanos(1_734_000), NOW);
  }

  @Test
  void jsonHasTheDocumentedShape() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("database", "PostgreSQL");
    details.put("active", 3);
    details.put("latencyMillis", 1.5);
    details.put("ok", true);
    details.put("nested", Map.of("k", List.of(1, 2)));
    details.put("missing", null);
    HealthReport report =
        report(
            outcome("db", CheckResult.up(details), true),
            outcome("cache", CheckResult.down("timed out after 500ms"), false));

    JsonNode json = JSON.readTree(report.toJson(true));
    assertThat(json.get("status").asString()).isEqualTo("DEGRADED");
    assertThat(json.get("group").asString()).isEqualTo("readiness");
    assertThat(json.get("timestamp").asString()).isEqualTo("2026-11-27T21:00:00.123Z");
    assertThat(json.get("uptimeMillis").asLong()).isEqualTo(5_400_000L);
    JsonNode db = json.get("checks").get("db");
    assertThat(db.get("status").asString()).isEqualTo("UP");
    assertThat(db.get("critical").asBoolean()).isTrue();
    assertThat(db.get("durationMillis").asDouble()).isEqualTo(1.734);
    assertThat(db.get("checkedAt").asString()).isEqualTo("2026-11-27T21:00:00.123Z");
    assertThat(db.get("details").get("database").asString()).isEqualTo("PostgreSQL");
    assertThat(db.get("details").get("active").asInt()).isEqualTo(3);
    assertThat(db.get("details").get("latencyMillis").asDouble()).isEqualTo(1.5);
    assertThat(db.get("details").get("ok").asBoolean()).isTrue();
    assertThat(db.get("details").get("nested").get("k").get(1).asInt()).isEqualTo(2);
    assertThat(db.get("details").get("missing").isNull()).isTrue();
    assertThat(db.has("error")).isFalse();
    JsonNode cache = json.get("checks").get("cache");
    assertThat(cache.get("status").asString()).isEqualTo("DOWN");
    assertThat(cache.get("critical").asBoolean()).isFalse();
    assertThat(cache.get("error").asString()).isEqualTo("timed out after 500ms");
    assertThat(cache.has("details")).isFalse();
  }

  @Test
  void jsonWithoutDetailsIsOnlyTheStatus() {
    HealthReport report = report(outcome("db", CheckResult.down("secret host db-7"), true));
    assertThat(report.toJson(false)).isEqualTo("{\"status\":\"DOWN\"}");
    assertThat(report.toText(false)).isEqualTo("status: DOWN\n");
  }

  @Test
  void jsonEscapesEveryHostileString() {
    String nasty =
        "quote\" backslash\\ newline\n cr\r tab\t nul\u0000 bell\u0007 del\u007f"
            + " ls\u2028 ps\u2029 emoji\uD83D\uDE00 lone\uD800 tail\uDC00 </script>";
    HealthReport report =
        report(
            outcome(nasty, CheckResult.down(nasty, Map.of(nasty, nasty, "n", Double.NaN)), true));
    String text = report.toJson(true);
    assertThat(text).doesNotContain("\n", "\r", "\u0000", "\u2028");
    JsonNode json = JSON.readTree(text);
    // Lone surrogates are written as \\u escapes, so every string parses back unchanged.
    JsonNode check = json.get("checks").get(nasty);
    assertThat(check.get("error").asString()).isEqualTo(nasty);
    assertThat(check.get("details").get(nasty).asString()).isEqualTo(nasty);
    assertThat(check.get("details").get("n").asString()).isEqualTo("NaN");
  }

  @Test
  void emptyReportIsUp() {
    HealthReport report = new HealthReport(null, List.of(), NOW, Duration.ZERO);
    assertThat(report.status()).isEqualTo(HealthStatus.UP);
    JsonNode json = JSON.readTree(report.toJson(true));
    assertThat(json.has("group")).isFalse();
    assertThat(json.get("checks").isEmpty()).isTrue();
  }

  @Test
  void textFormListsChecksOnePerLine() {
    HealthReport report =
        report(
            outcome("db", CheckResult.up(Map.of("database", "PostgreSQL")), true),
            outcome("cache", CheckResult.down("refused\nmultiline"), false));
    assertThat(report.toText(true))
        .isEqualTo(
            "status: DEGRADED\n"
                + "group: readiness\n"
                + "timestamp: 2026-11-27T21:00:00.123Z\n"
                + "uptime: 5400000 ms\n"
                + "check db: UP (critical, 1.734 ms)\n"
                + "  database: PostgreSQL\n"
                + "check cache: DOWN (non-critical, 1.734 ms)\n"
                + "  error: refused multiline\n");
  }
}
