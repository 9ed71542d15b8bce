package dev.strata.health.shutdown;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.strata.health.CheckResult;
import dev.strata.health.HealthCheckRegistration;
import dev.strata.health.HealthEndpoint;
import dev.strata.health.HealthGroup;
import dev.strata.health.HealthRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The coordinator's phases: readiness DOWN with liveness UP, drain, in-flight wait, stop. */
class ShutdownCoordinatorTest {

  private final HealthRegistry registry =
      HealthRegistry.builder().defaultMinInterval(Duration.ZERO).build();
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<String> stopped = new CopyOnWriteArrayList<>();
  private HealthEndpoint endpoint;

  @AfterEach
  void tearDown() {
    if (endpoint != null) {
      endpoint.close();
    }
    registry.close();
  }

  private int status(String path) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static CompletableFuture<Boolean> shutdownInBackground(ShutdownCoordinator c) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return c.shutdown();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  @Test
  void readinessGoesDownFirstThenRequestsDrainThenTheApplicationStops() throws Exception {
    registry.register(
        HealthCheckRegistration.builder("ping", CheckResult::up)
            .groups(HealthGroup.LIVENESS)
            .build());
    endpoint = HealthEndpoint.builder(registry).port(0).build().start();
    InFlightRequests inFlight = new InFlightRequests();
    ShutdownCoordinator coordinator =
        ShutdownCoordinator.builder(registry)
            .drainPeriod(Duration.ofMillis(300))
            .inFlightTimeout(Duration.ofMinutes(1))
            .inFlight(inFlight)
            .stopAction("server", () -> stopped.add("server"))
            .stopAction(
                "broken",
                () -> {
                  throw new IllegalStateException("boom");
                })
            .stopAction("pool", () -> stopped.add("pool"))
            .build();
    assertThat(coordinator.phase()).isEqualTo(ShutdownPhase.RUNNING);
    assertThat(status("/health/ready")).isEqualTo(200);

    inFlight.begin(); // a request being served
    CompletableFuture<Boolean> done = shutdownInBackground(coordinator);
    await().until(() -> coordinator.phase() != ShutdownPhase.RUNNING);
    assertThat(status("/health/ready")).isEqualTo(503);
    assertThat(status("/health/live")).isEqualTo(200);

    await().until(() -> coordinator.phase() == ShutdownPhase.AWAITING_IN_FLIGHT);
    assertThat(stopped).isEmpty();
    assertThat(done).isNotDone();
    assertThat(status("/health/live")).isEqualTo(200);

    inFlight.end();
    assertThat(done.get()).isTrue();
    assertThat(coordinator.phase()).isEqualTo(ShutdownPhase.STOPPED);
    assertThat(stopped).containsExactly("server", "pool");
    // a second call waits for the first and runs nothing again
    assertThat(coordinator.shutdown()).isTrue();
    coordinator.close();
    assertThat(stopped).containsExactly("server", "pool");
  }

  @Test
  void theInFlightTimeoutBoundsTheWait() throws Exception {
    InFlightRequests inFlight = new InFlightRequests();
    inFlight.begin(); // never ends
    ShutdownCoordinator coordinator =
        ShutdownCoordinator.builder(registry)
            .drainPeriod(Duration.ZERO)
            .inFlightTimeout(Duration.ofMillis(200))
            .inFlight(inFlight)
            .stopAction("server", () -> stopped.add("server"))
            .build();
    assertThat(coordinator.shutdown()).isFalse();
    assertThat(stopped).containsExactly("server");
    assertThat(coordinator.phase()).isEqualTo(ShutdownPhase.STOPPED);
  }

  @Test
  void aHookIsInstalledOnlyWhenAskedAndRemovedByAnOrdinaryShutdown() throws Exception {
    ShutdownCoordinator coordinator =
        ShutdownCoordinator.builder(registry)
            .drainPeriod(Duration.ZERO)
            .shutdownHook(true)
            .stopAction("x", () -> stopped.add("x"))
            .build();
    coordinator.close();
    assertThat(stopped).containsExactly("x");
  }

  @Test
  void countersAndSettingsAreValidated() {
    InFlightRequests inFlight = new InFlightRequests();
    assertThatThrownBy(inFlight::end)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("end() called more often than begin()");
    assertThat(inFlight.count()).isZero();
    assertThatThrownBy(
            () -> ShutdownCoordinator.builder(registry).drainPeriod(Duration.ofSeconds(-1)).build())
        .hasMessage("drainPeriod must not be negative but was PT-1S");
    assertThatThrownBy(
            () ->
                ShutdownCoordinator.builder(registry)
                    .inFlightTimeout(Duration.ofSeconds(-1))
                    .build())
        .hasMessage("inFlightTimeout must not be negative but was PT-1S");
    ShutdownCoordinator.builder(registry).build();
    assertThatThrownBy(() -> ShutdownCoordinator.builder(registry).build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
