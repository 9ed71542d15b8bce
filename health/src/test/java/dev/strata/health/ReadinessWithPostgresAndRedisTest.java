package dev.strata.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strata.health.check.DataSourceHealthCheck;
import dev.strata.health.check.RedisHealthCheck;
import dev.strata.testsupport.RedisServer;
import dev.strata.testsupport.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Readiness of an instance that depends on a real PostgreSQL and a real (private) Redis: Redis
 * frozen or killed makes readiness DOWN (503) while liveness stays UP; Redis back makes it UP.
 */
class ReadinessWithPostgresAndRedisTest {

  private static final Duration REDIS_TIMEOUT = Duration.ofMillis(500);
  private static final Duration INTERVAL = Duration.ofMillis(200);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final HttpClient http = HttpClient.newHttpClient();
  private RedisServer redis;
  private RedisHealthCheck redisCheck;
  private HealthRegistry registry;
  private HealthEndpoint endpoint;
  private final AtomicInteger redisRuns = new AtomicInteger();

  @BeforeEach
  void setUp() {
    DataSource postgres = TestDatabases.postgres(); // skipped when unreachable and not required
    redis = RedisServer.start();
    redisCheck = RedisHealthCheck.of(redis.uri(), REDIS_TIMEOUT);
    registry = HealthRegistry.builder().defaultMinInterval(INTERVAL).build();
    registry.register(
        HealthCheckRegistration.builder(
                "postgres", DataSourceHealthCheck.of(postgres, Duration.ofSeconds(2)))
            .timeout(Duration.ofSeconds(3))
            .groups(HealthGroup.READINESS)
            .build());
    registry.register(
        HealthCheckRegistration.builder(
                "redis",
                () -> {
                  redisRuns.incrementAndGet();
                  return redisCheck.check();
                })
            .timeout(REDIS_TIMEOUT.plusMillis(500))
            .groups(HealthGroup.READINESS)
            .build());
    registry.register(
        HealthCheckRegistration.builder("process", CheckResult::up)
            .groups(HealthGroup.LIVENESS)
            .build());
    endpoint =
        HealthEndpoint.builder(registry)
            .port(0)
            .bindAddress("127.0.0.1")
            .showDetails(DetailsVisibility.ALWAYS)
            .build()
            .start();
  }

  @AfterEach
  void tearDown() {
    if (endpoint != null) {
      endpoint.close();
    }
    if (registry != null) {
      registry.close();
    }
    if (redisCheck != null) {
      redisCheck.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private void assertReady() throws Exception {
    HttpResponse<String> ready = get("/health/ready");
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    JsonNode json = JSON.readTree(ready.body());
    assertThat(json.get("status").asString()).isEqualTo("UP");
    assertThat(json.get("checks").get("postgres").get("details").get("database").asString())
        .isEqualTo("PostgreSQL");
    assertThat(json.get("checks").get("redis").get("details").has("latencyMillis")).isTrue();
  }

  @Test
  void redisFrozenOrKilledMakesReadinessDownWhileLivenessStaysUp() throws Exception {
    // The first connection to Redis may outlast the timeout while the client warms up.
    await().untilAsserted(this::assertReady);

    // Frozen (SIGSTOP): connections stay open, PING gets no answer.
    redis.suspend();
    int runsAtSuspend = redisRuns.get();
    await()
        .untilAsserted(
            () -> {
              HttpResponse<String> ready = get("/health/ready");
              assertThat(ready.statusCode()).isEqualTo(503);
              assertThat(
                      JSON.readTree(ready.body())
                          .get("checks")
                          .get("redis")
                          .get("error")
                          .asString())
                  .isEqualTo("PING timed out after 500ms");
            });
    // DOWN came from the first run (or the second, if one was running when Redis froze): within
    // one cache interval plus the check's timeout, not after retries.
    assertThat(redisRuns.get() - runsAtSuspend).isBetween(1, 2);
    HttpResponse<String> live = get("/health/live");
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(live.body()).get("status").asString()).isEqualTo("UP");
    HttpResponse<String> all = get("/health");
    assertThat(all.statusCode()).isEqualTo(503);
    assertThat(JSON.readTree(all.body()).get("checks").get("postgres").get("status").asString())
        .isEqualTo("UP");

    redis.resume();
    await().untilAsserted(this::assertReady);

    // Killed (SIGKILL): connection refused until it is restarted on the same port.
    redis.kill();
    await()
        .untilAsserted(
            () -> {
              assertThat(get("/health/ready").statusCode()).isEqualTo(503);
              assertThat(get("/health/live").statusCode()).isEqualTo(200);
            });
    redis.restart();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(this::assertReady);
  }
}
