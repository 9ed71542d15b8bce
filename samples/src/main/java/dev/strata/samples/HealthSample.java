package dev.strata.samples;

import dev.strata.health.CheckResult;
import dev.strata.health.DetailsVisibility;
import dev.strata.health.HealthCheck;
import dev.strata.health.HealthCheckRegistration;
import dev.strata.health.HealthEndpoint;
import dev.strata.health.HealthGroup;
import dev.strata.health.HealthRegistry;
import dev.strata.health.active.ActiveHealthChecker;
import dev.strata.health.active.EndpointProbe;
import dev.strata.health.check.DataSourceHealthCheck;
import dev.strata.health.check.DiskSpaceHealthCheck;
import dev.strata.lb.Endpoint;
import dev.strata.lb.EndpointPool;
import dev.strata.lb.LoadBalancer;
import dev.strata.lb.PoolListener;
import dev.strata.lb.Selectors;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.h2.jdbcx.JdbcDataSource;

/**
 * {@code strata-health}: a {@link HealthRegistry} with a few checks, served over HTTP by a {@link
 * HealthEndpoint}, and an {@link ActiveHealthChecker} that takes a dead instance out of a load
 * balancer's pool.
 *
 * <ol>
 *   <li>Instance 1 registers a database check (H2) and a non-critical "search" check that is down
 *       for readiness, a disk-space check for liveness, and a "cache warm" check for startup. Its
 *       endpoint answers {@code /health/ready} with 200 and {@code DEGRADED} (a non-critical check
 *       never takes an instance out of rotation), and {@code /health/started} with 503 until the
 *       cache is warm, then 200.
 *   <li>Instance 2 serves its own registry. A pool of the two instances is probed on {@code
 *       /health/ready} every 100 ms; instance 2's endpoint is then stopped (as if its process
 *       died), the checker marks it down after two failed probes, and every following pick of the
 *       load balancer goes to instance 1.
 * </ol>
 *
 * <p>No external service: both instances are health endpoints on free ports of 127.0.0.1. Run it
 * with {@code java -cp samples/target/strata-samples.jar dev.strata.samples.HealthSample}.
 */
public final class HealthSample {

  /**
   * What the sample observed.
   *
   * @param readyStatus the HTTP status of {@code /health/ready}
   * @param readyBody its JSON body
   * @param startedBeforeWarm the status of {@code /health/started} while the cache was cold
   * @param startedAfterWarm its status once the cache was warm
   * @param markedDown whether the checker marked instance 2 down within 10 s of its death
   * @param picksAfterDeath requests per instance picked after it was marked down
   */
  record Report(
      int readyStatus,
      String readyBody,
      int startedBeforeWarm,
      int startedAfterWarm,
      boolean markedDown,
      Map<String, Integer> picksAfterDeath) {}

  private HealthSample() {}

  /**
   * Runs the sample and prints its report.
   *
   * @param args ignored
   */
  public static void main(String[] args) throws Exception {
    print(run(), System.out);
  }

  static Report run() throws Exception {
    JdbcDataSource database = new JdbcDataSource();
    database.setURL("jdbc:h2:mem:health;DB_CLOSE_DELAY=-1");
    AtomicBoolean cacheWarm = new AtomicBoolean();

    try (HealthRegistry registry =
            HealthRegistry.builder()
                .defaultTimeout(Duration.ofSeconds(2))
                .defaultMinInterval(Duration.ZERO) // here every probe runs the checks
                .build();
        HealthRegistry secondRegistry = HealthRegistry.builder().build()) {
      registry.register(
          HealthCheckRegistration.builder(
                  "database", DataSourceHealthCheck.of(database, Duration.ofSeconds(1)))
              .groups(HealthGroup.READINESS)
              .build());
      registry.register(
          HealthCheckRegistration.builder(
                  "search", () -> CheckResult.down("connection refused", Map.of("host", "search")))
              .groups(HealthGroup.READINESS)
              .critical(false) // DOWN makes the instance DEGRADED, still serving
              .build());
      registry.register(
          HealthCheckRegistration.builder(
                  "disk", DiskSpaceHealthCheck.of(Path.of(System.getProperty("java.io.tmpdir")), 1))
              .groups(HealthGroup.LIVENESS)
              .build());
      registry.register(
          HealthCheckRegistration.builder(
                  "cache-warm", HealthCheck.of(cacheWarm::get, "cache is still warming up"))
              .groups(HealthGroup.STARTUP)
              .build());
      secondRegistry.register(
          HealthCheckRegistration.builder("self", CheckResult::up)
              .groups(HealthGroup.READINESS)
              .build());

      HttpClient http = HttpClient.newHttpClient();
      try (HealthEndpoint instance1 =
              HealthEndpoint.builder(registry)
                  .port(0) // a free port
                  .showDetails(DetailsVisibility.ALWAYS) // a real service: WITH_TOKEN or NEVER
                  .build()
                  .start();
          HealthEndpoint instance2 =
              HealthEndpoint.builder(secondRegistry).port(0).build().start()) {
        HttpResponse<String> ready = get(http, instance1, "/health/ready");
        int startedCold = get(http, instance1, "/health/started").statusCode();
        cacheWarm.set(true);
        int startedWarm = get(http, instance1, "/health/started").statusCode();

        // A load balancer over the two instances, kept up to date by an active checker.
        EndpointPool pool =
            EndpointPool.of(
                Endpoint.of("instance-1", "127.0.0.1", instance1.port()),
                Endpoint.of("instance-2", "127.0.0.1", instance2.port()));
        LoadBalancer lb = LoadBalancer.builder(pool).selector(Selectors.roundRobin()).build();
        CountDownLatch down = new CountDownLatch(1);
        pool.addListener(
            new PoolListener() {
              @Override
              public void healthChanged(Endpoint endpoint, boolean healthy) {
                if (endpoint.id().equals("instance-2") && !healthy) {
                  down.countDown();
                }
              }
            });
        boolean markedDown;
        Map<String, Integer> picks = new TreeMap<>();
        try (ActiveHealthChecker checker =
            ActiveHealthChecker.builder(pool)
                .probe(EndpointProbe.http("/health/ready"))
                .interval(Duration.ofMillis(100))
                .timeout(Duration.ofMillis(500))
                .fall(2) // two failed probes in a row: down
                .rise(2) // two good probes in a row: up again
                .build()
                .start()) {
          instance2.close(); // instance 2 dies
          markedDown = down.await(10, TimeUnit.SECONDS);
          for (int i = 0; i < 100; i++) {
            picks.merge(lb.select().id(), 1, Integer::sum);
          }
        }
        return new Report(
            ready.statusCode(), ready.body(), startedCold, startedWarm, markedDown, picks);
      }
    }
  }

  private static HttpResponse<String> get(HttpClient http, HealthEndpoint endpoint, String path)
      throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + endpoint.port() + path);
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  static void print(Report report, PrintStream out) {
    out.println("Strata health checks, endpoint and active checker (strata-health)");
    out.printf("  GET /health/ready    %d %s%n", report.readyStatus(), report.readyBody());
    out.printf(
        "  GET /health/started %d while the cache is cold, %d once it is warm%n",
        report.startedBeforeWarm(), report.startedAfterWarm());
    out.printf(
        "  active checker      instance-2 stopped: %s; 100 picks after that: %s%n",
        report.markedDown() ? "marked down" : "NOT MARKED DOWN", report.picksAfterDeath());
  }
}
