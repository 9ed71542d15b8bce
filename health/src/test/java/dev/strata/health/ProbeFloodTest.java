package dev.strata.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strata.testsupport.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * 200 concurrent probes of {@code /health/ready} while the database check is slow: the database is
 * asked once per interval, and every probe gets an answer no later than the check's timeout.
 */
class ProbeFloodTest {

  private static final int PROBES = 200;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final DataSource database = TestDatabases.h2(TestDatabases.uniqueName("flood"));
  private final AtomicInteger queries = new AtomicInteger();
  private final CountDownLatch release = new CountDownLatch(1);
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private HealthRegistry registry;
  private HealthEndpoint endpoint;

  @AfterEach
  void tearDown() {
    release.countDown();
    if (endpoint != null) {
      endpoint.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  /** A real database round trip, held back by the test's latch to make it slow. */
  private CheckResult slowDatabaseCheck() throws Exception {
    queries.incrementAndGet();
    release.await();
    try (Connection c = database.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT 1")) {
      rs.next();
      return rs.getInt(1) == 1 ? CheckResult.up() : CheckResult.down("SELECT 1 was wrong");
    }
  }

  private void startWith(Duration timeout, Duration minInterval) {
    registry = HealthRegistry.builder().build();
    registry.register(
        HealthCheckRegistration.builder("database", this::slowDatabaseCheck)
            .timeout(timeout)
            .minInterval(minInterval)
            .groups(HealthGroup.READINESS)
            .build());
    endpoint =
        HealthEndpoint.builder(registry)
            .port(0)
            .bindAddress("127.0.0.1")
            .showDetails(DetailsVisibility.ALWAYS)
            .build()
            .start();
  }

  private List<CompletableFuture<HttpResponse<String>>> flood() {
    URI uri = URI.create("http://127.0.0.1:" + endpoint.port() + "/health/ready");
    List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
    for (int i = 0; i < PROBES; i++) {
      responses.add(
          http.sendAsync(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    return responses;
  }

  @Test
  void concurrentProbesShareOneDatabaseQuery() throws Exception {
    startWith(Duration.ofSeconds(30), Duration.ofHours(1));
    List<CompletableFuture<HttpResponse<String>>> responses = flood();
    await().until(() -> queries.get() == 1);
    release.countDown();
    for (CompletableFuture<HttpResponse<String>> r : responses) {
      HttpResponse<String> response = r.get();
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(response.body()).get("status").asString()).isEqualTo("UP");
    }
    assertThat(queries).hasValue(1);
    // Later probes within the interval are answered from the cache: still one query.
    for (CompletableFuture<HttpResponse<String>> r : flood()) {
      assertThat(r.get().statusCode()).isEqualTo(200);
    }
    assertThat(queries).hasValue(1);
  }

  @Test
  void everyProbeIsAnsweredAtTheTimeoutWhenTheDatabaseHangs() throws Exception {
    startWith(Duration.ofMillis(800), Duration.ofHours(1));
    List<CompletableFuture<HttpResponse<String>>> responses = flood();
    for (CompletableFuture<HttpResponse<String>> r : responses) {
      HttpResponse<String> response = r.get();
      assertThat(response.statusCode()).isEqualTo(503);
      JsonNode db = JSON.readTree(response.body()).get("checks").get("database");
      assertThat(db.get("status").asString()).isEqualTo("DOWN");
      assertThat(db.get("error").asString()).isEqualTo("timed out after 800ms");
      assertThat(db.get("durationMillis").asDouble()).isEqualTo(800.0);
    }
    assertThat(queries).hasValue(1);
  }
}
