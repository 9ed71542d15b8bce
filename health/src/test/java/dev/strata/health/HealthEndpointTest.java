package dev.strata.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class HealthEndpointTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final HealthRegistry registry =
      HealthRegistry.builder().defaultMinInterval(Duration.ZERO).build();
  private final CountDownLatch never = new CountDownLatch(1);
  private HealthEndpoint endpoint;

  @AfterEach
  void tearDown() {
    never.countDown();
    if (endpoint != null) {
      endpoint.close();
    }
    registry.close();
  }

  private void start(DetailsVisibility details, String token) {
    HealthEndpoint.Builder b =
        HealthEndpoint.builder(registry).port(0).bindAddress("127.0.0.1").showDetails(details);
    if (token != null) {
      b.bearerToken(token);
    }
    endpoint = b.build().start();
  }

  private void register(String name, HealthCheck check, HealthGroup... groups) {
    registry.register(HealthCheckRegistration.builder(name, check).groups(groups).build());
  }

  private HttpResponse<String> send(String method, String path, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path))
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    return send("GET", path, headers);
  }

  @Test
  void servesEachGroupWith200WhenServingAnd503WhenDown() throws Exception {
    register("ping", CheckResult::up, HealthGroup.LIVENESS);
    register("db", () -> CheckResult.down("refused"), HealthGroup.READINESS);
    register("warmup", CheckResult::up, HealthGroup.STARTUP);
    start(DetailsVisibility.ALWAYS, null);

    HttpResponse<String> live = get("/health/live");
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.headers().firstValue("Content-Type"))
        .hasValue("application/json; charset=utf-8");
    assertThat(live.headers().firstValue("Cache-Control")).hasValue("no-store");
    JsonNode liveJson = JSON.readTree(live.body());
    assertThat(liveJson.get("status").asString()).isEqualTo("UP");
    assertThat(liveJson.get("group").asString()).isEqualTo("liveness");
    assertThat(liveJson.get("checks").propertyNames()).containsExactly("ping");

    HttpResponse<String> ready = get("/health/ready");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(JSON.readTree(ready.body()).get("checks").get("db").get("error").asString())
        .isEqualTo("refused");

    assertThat(get("/health/started").statusCode()).isEqualTo(200);
    HttpResponse<String> all = get("/health");
    assertThat(all.statusCode()).isEqualTo(503);
    assertThat(JSON.readTree(all.body()).get("checks").propertyNames())
        .containsExactly("ping", "db", "warmup");
    assertThat(get("/health/").statusCode()).isEqualTo(503);
  }

  @Test
  void degradedIsServedWith200() throws Exception {
    register("db", CheckResult::up, HealthGroup.READINESS);
    registry.register(
        HealthCheckRegistration.builder("search", () -> CheckResult.down("index offline"))
            .critical(false)
            .groups(HealthGroup.READINESS)
            .build());
    start(DetailsVisibility.NEVER, null);
    HttpResponse<String> ready = get("/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).isEqualTo("{\"status\":\"DEGRADED\"}");
  }

  @Test
  void headAnswersTheSameStatusWithoutABody() throws Exception {
    register("db", () -> CheckResult.down("refused"), HealthGroup.READINESS);
    start(DetailsVisibility.ALWAYS, null);
    HttpResponse<String> ready = send("HEAD", "/health/ready");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).isEmpty();
    assertThat(ready.headers().firstValue("Content-Type"))
        .hasValue("application/json; charset=utf-8");
    HttpResponse<String> live = send("HEAD", "/health/live");
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.body()).isEmpty();
  }

  @Test
  void unknownPathsAre404() throws Exception {
    register("db", CheckResult::up, HealthGroup.READINESS);
    start(DetailsVisibility.ALWAYS, null);
    for (String path :
        new String[] {
          "/",
          "/healthz",
          "/health/unknown",
          "/health/live/extra",
          "/other",
          "/health/readiness",
          "/health/liveness",
          "/health/%2e%2e",
          "/HEALTH"
        }) {
      HttpResponse<String> r = get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(404);
      assertThat(r.body()).as(path).isEqualTo("{\"error\":\"not found\"}");
    }
    assertThat(send("POST", "/nothing-here").statusCode()).isEqualTo(404);
  }

  @Test
  void wrongMethodsAre405WithAllow() throws Exception {
    register("db", CheckResult::up, HealthGroup.READINESS);
    start(DetailsVisibility.ALWAYS, null);
    for (String method : new String[] {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
      HttpResponse<String> r = send(method, "/health/ready");
      assertThat(r.statusCode()).as(method).isEqualTo(405);
      assertThat(r.headers().firstValue("Allow")).as(method).hasValue("GET, HEAD");
      assertThat(r.body()).isEqualTo("{\"error\":\"method not allowed\"}");
    }
  }

  @Test
  void detailsNeverShowOnlyTheStatus() throws Exception {
    register("db", () -> CheckResult.down("db-7.internal:5432 refused"), HealthGroup.READINESS);
    start(DetailsVisibility.NEVER, null);
    HttpResponse<String> r = get("/health/ready", "Authorization", "Bearer anything");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).isEqualTo("{\"status\":\"DOWN\"}");
  }

  @Test
  void detailsWithTokenShowOnlyToTheRightBearerToken() throws Exception {
    register("db", () -> CheckResult.down("db-7.internal:5432 refused"), HealthGroup.READINESS);
    start(DetailsVisibility.WITH_TOKEN, "s3cret-token");

    assertThat(get("/health/ready").body()).isEqualTo("{\"status\":\"DOWN\"}");
    assertThat(get("/health/ready", "Authorization", "Bearer wrong").body())
        .isEqualTo("{\"status\":\"DOWN\"}");
    assertThat(get("/health/ready", "Authorization", "Bearer s3cret-token-longer").body())
        .isEqualTo("{\"status\":\"DOWN\"}");
    assertThat(get("/health/ready", "Authorization", "Basic s3cret-token").body())
        .isEqualTo("{\"status\":\"DOWN\"}");
    HttpResponse<String> right = get("/health/ready", "Authorization", "Bearer s3cret-token");
    assertThat(right.statusCode()).isEqualTo(503);
    assertThat(JSON.readTree(right.body()).get("checks").get("db").get("error").asString())
        .isEqualTo("db-7.internal:5432 refused");
  }

  @Test
  void textFormOnRequest() throws Exception {
    register("db", CheckResult::up, HealthGroup.READINESS);
    start(DetailsVisibility.ALWAYS, null);
    HttpResponse<String> byAccept = get("/health/ready", "Accept", "text/plain");
    assertThat(byAccept.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
    assertThat(byAccept.body())
        .startsWith("status: UP\ngroup: readiness\n")
        .contains("check db: UP");
    HttpResponse<String> byQuery = get("/health/ready?format=text");
    assertThat(byQuery.body()).startsWith("status: UP\n");
    assertThat(get("/health/ready", "Accept", "application/json, text/plain").body())
        .startsWith("{\"status\":\"UP\"");
  }

  @Test
  void customBasePathAndCustomGroup() throws Exception {
    registry.register(
        HealthCheckRegistration.builder("jobs", () -> CheckResult.down("queue stuck"))
            .groups(HealthGroup.of("batch"))
            .build());
    endpoint =
        HealthEndpoint.builder(registry)
            .port(0)
            .bindAddress("127.0.0.1")
            .basePath("/admin/status/")
            .build()
            .start();
    assertThat(endpoint.basePath()).isEqualTo("/admin/status");
    assertThat(get("/admin/status/batch").statusCode()).isEqualTo(503);
    assertThat(get("/admin/status/live").statusCode()).isEqualTo(200);
    assertThat(get("/admin/status").statusCode()).isEqualTo(503);
    assertThat(get("/health").statusCode()).isEqualTo(404);
    assertThat(get("/admin/status/other").statusCode()).isEqualTo(404);
  }

  @Test
  void checksThatThrowReturnNullOrHangAreDownWithinTheirTimeout() throws Exception {
    register(
        "throws",
        () -> {
          throw new IllegalStateException("boom");
        },
        HealthGroup.of("a"));
    register("null", () -> null, HealthGroup.of("b"));
    registry.register(
        HealthCheckRegistration.builder(
                "hangs",
                () -> {
                  never.await();
                  return CheckResult.up();
                })
            .timeout(Duration.ofMillis(200))
            .groups(HealthGroup.of("c"))
            .build());
    start(DetailsVisibility.ALWAYS, null);

    HttpResponse<String> a = get("/health/a");
    assertThat(a.statusCode()).isEqualTo(503);
    assertThat(JSON.readTree(a.body()).get("checks").get("throws").get("error").asString())
        .isEqualTo("java.lang.IllegalStateException: boom");
    HttpResponse<String> b = get("/health/b");
    assertThat(b.statusCode()).isEqualTo(503);
    assertThat(JSON.readTree(b.body()).get("checks").get("null").get("error").asString())
        .isEqualTo("health check 'null' returned null instead of a result");
    HttpResponse<String> c = get("/health/c");
    assertThat(c.statusCode()).isEqualTo(503);
    assertThat(JSON.readTree(c.body()).get("checks").get("hangs").get("error").asString())
        .isEqualTo("timed out after 200ms");
  }

  @Test
  void closedRegistryAnswers503() throws Exception {
    start(DetailsVisibility.ALWAYS, null);
    registry.close();
    HttpResponse<String> r = get("/health");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).isEqualTo("{\"error\":\"health registry is closed\"}");
  }

  @Test
  void startsOnAnEphemeralPortAndStopsCleanly() throws Exception {
    start(DetailsVisibility.NEVER, null);
    int port = endpoint.port();
    assertThat(port).isPositive();
    assertThat(get("/health").statusCode()).isEqualTo(200);
    assertThatThrownBy(endpoint::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("health endpoint was already started");
    endpoint.close();
    endpoint.close();
    assertThatThrownBy(endpoint::port).isInstanceOf(IllegalStateException.class);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build();
    assertThatThrownBy(() -> http.send(request, HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(ConnectException.class);
    assertThatThrownBy(endpoint::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("health endpoint is closed");
  }

  @Test
  void builderValidatesSettings() {
    assertThatThrownBy(() -> HealthEndpoint.builder(registry).port(-1).build())
        .hasMessage("port must be between 0 and 65535 but was -1");
    assertThatThrownBy(() -> HealthEndpoint.builder(registry).port(70000).build())
        .hasMessage("port must be between 0 and 65535 but was 70000");
    assertThatThrownBy(() -> HealthEndpoint.builder(registry).basePath("health").build())
        .hasMessage("basePath must start with '/' and contain no '//' or '?' but was 'health'");
    assertThatThrownBy(
            () ->
                HealthEndpoint.builder(registry).showDetails(DetailsVisibility.WITH_TOKEN).build())
        .hasMessage(
            "bearerToken must be set and non-empty when details is WITH_TOKEN but was null");
    assertThatThrownBy(
            () ->
                HealthEndpoint.builder(registry)
                    .showDetails(DetailsVisibility.WITH_TOKEN)
                    .bearerToken("")
                    .build())
        .hasMessage("bearerToken must be set and non-empty when details is WITH_TOKEN but was ''");
    assertThatThrownBy(() -> HealthEndpoint.builder(registry).bearerToken("t").build())
        .hasMessage("bearerToken is only used when details is WITH_TOKEN but details was NEVER");
    assertThatThrownBy(() -> HealthEndpoint.builder(registry).threads(0).build())
        .hasMessage("threads must be positive but was 0");
    assertThatThrownBy(() -> HealthEndpoint.builder(registry).maxConnections(0).build())
        .hasMessage("maxConnections must be between 1 and 10000 but was 0");
    assertThatThrownBy(() -> HealthEndpoint.builder(registry).maxRequestHeadBytes(100).build())
        .hasMessage("maxRequestHeadBytes must be between 256 and 65536 but was 100");
    assertThatThrownBy(
            () -> HealthEndpoint.builder(registry).headerReadTimeout(Duration.ZERO).build())
        .hasMessage("headerReadTimeout must be positive but was PT0S");
  }
}
