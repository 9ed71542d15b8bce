package dev.strata.demo.front;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The front balancer in front of three real HTTP backends: spread, failures, recovery, drain. */
class FrontBalancerTest {

  private final TestBackend.SlowGate gate = new TestBackend.SlowGate();
  private final List<TestBackend> backends = new ArrayList<>();
  private final ConcurrentLinkedQueue<RequestRecord> records = new ConcurrentLinkedQueue<>();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private FrontBalancer front;

  @BeforeEach
  void startBackends() {
    for (int i = 1; i <= 3; i++) {
      backends.add(new TestBackend("app-" + i, gate));
    }
  }

  @AfterEach
  void stopEverything() {
    gate.release();
    if (front != null) {
      front.close();
    }
    backends.forEach(TestBackend::close);
  }

  private FrontBalancer start(Consumer<FrontBalancer.Builder> settings) {
    FrontBalancer.Builder builder =
        FrontBalancer.builder()
            .healthPath("/ready")
            .probeInterval(Duration.ofMillis(100))
            .probeTimeout(Duration.ofSeconds(2)) // generous: the build machine may be busy
            .fall(2)
            .rise(2)
            .upstreamTimeout(Duration.ofSeconds(5))
            .listener(records::add);
    for (TestBackend backend : backends) {
      builder.endpoint(backend.name, "127.0.0.1", backend.port());
    }
    settings.accept(builder);
    front = builder.build().start();
    return front;
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + front.port() + path);
  }

  private FrontEndpointView view(String id) {
    return front.endpoints().stream().filter(v -> v.id().equals(id)).findFirst().orElseThrow();
  }

  private TestBackend backend(String name) {
    return backends.stream().filter(b -> b.name.equals(name)).findFirst().orElseThrow();
  }

  private Map<String, Long> served() {
    return front.endpoints().stream()
        .collect(Collectors.toMap(FrontEndpointView::id, FrontEndpointView::served));
  }

  /** Sends {@code count} GETs of /hello from {@code clients} threads; all must answer 200. */
  private void load(int clients, int count) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<HttpResponse<String>>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        futures.add(pool.submit(() -> get("/hello")));
      }
      for (Future<HttpResponse<String>> f : futures) {
        assertThat(f.get().statusCode()).isEqualTo(200);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void spreadsRequestsOverTheBackendsAndReportsEachOne() throws Exception {
    start(b -> {});

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              load(6, 30);
              assertThat(backends).allSatisfy(b -> assertThat(b.hits.get()).isGreaterThan(5));
            });

    long total = backends.stream().mapToLong(b -> b.hits.get()).sum();
    assertThat(served().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(total);
    assertThat(backends).allSatisfy(b -> assertThat(view(b.name).served()).isEqualTo(b.hits.get()));
    assertThat(records).hasSize((int) total);
    assertThat(records)
        .allSatisfy(
            r -> {
              assertThat(r.method()).isEqualTo("GET");
              assertThat(r.path()).isEqualTo("/hello");
              assertThat(r.status()).isEqualTo(200);
              assertThat(r.attemptedEndpointIds()).containsExactly(r.endpointId());
              assertThat(r.retried()).isFalse();
              assertThat(r.latencyNanos()).isPositive();
            });
    assertThat(front.endpoints())
        .extracting(FrontEndpointView::up, FrontEndpointView::inFlight)
        .containsOnly(org.assertj.core.groups.Tuple.tuple(true, 0));
  }

  @Test
  void backendStoppedAbruptlyHasItsInFlightGetRetriedAndGetsNothingOnceMarkedDown()
      throws Exception {
    start(b -> b.outlierEjection(0)); // only the active checker takes it out
    load(3, 9);

    gate.arm();
    CompletableFuture<HttpResponse<String>> slow =
        http.sendAsync(
            HttpRequest.newBuilder(uri("/slow")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    String victim = gate.awaitHolder();
    backend(victim).stop();

    HttpResponse<String> retried = slow.get();
    assertThat(retried.statusCode()).isEqualTo(200);
    assertThat(retried.body()).isNotEqualTo(victim);
    RequestRecord slowRecord =
        records.stream().filter(r -> r.path().equals("/slow")).findFirst().orElseThrow();
    assertThat(slowRecord.attemptedEndpointIds()).hasSize(2).startsWith(victim);
    assertThat(slowRecord.retried()).isTrue();
    assertThat(slowRecord.endpointId()).isEqualTo(retried.body());

    // requests keep succeeding while the checker has not noticed yet
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(get("/hello").statusCode()).isEqualTo(200);
              assertThat(view(victim).up()).isFalse();
            });

    long victimServed = view(victim).served();
    Map<String, Long> before = served();
    records.clear();
    load(3, 30);
    assertThat(view(victim).served()).isEqualTo(victimServed);
    assertThat(records).noneMatch(r -> r.attemptedEndpointIds().contains(victim));
    assertThat(served().entrySet())
        .filteredOn(e -> !e.getKey().equals(victim))
        .extracting(e -> e.getValue() - before.get(e.getKey()))
        .allSatisfy(grown -> assertThat(grown).isPositive());
  }

  @Test
  void restartedBackendGetsTrafficBackAfterRiseUnderSlowStart() throws Exception {
    // for its first second back the restarted backend weighs a tenth, after t seconds t/10: with
    // one request at a time (none in flight anywhere), any other backend beats it
    start(b -> b.slowStart(Duration.ofSeconds(10)));
    load(3, 9);
    TestBackend victim = backends.get(1);
    victim.stop();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(get("/hello").statusCode()).isEqualTo(200);
              assertThat(view(victim.name).up()).isFalse();
            });
    int hitsWhileDown = victim.hits.get();
    load(2, 10);
    assertThat(victim.hits.get()).isEqualTo(hitsWhileDown);

    victim.restart();
    await().atMost(Duration.ofSeconds(10)).until(() -> view(victim.name).up());
    // early in its slow-start window it gets (almost) nothing instead of a third
    records.clear();
    for (int i = 0; i < 30; i++) {
      assertThat(get("/hello").statusCode()).isEqualTo(200);
    }
    assertThat(records.stream().filter(r -> victim.name.equals(r.endpointId())).count())
        .isLessThanOrEqualTo(2);
    // but traffic does come back to it
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              load(4, 20);
              assertThat(victim.hits.get() - hitsWhileDown).isGreaterThanOrEqualTo(8);
            });
  }

  @Test
  void drainStopsNewRequestsWhileTheOneInFlightFinishes() throws Exception {
    start(b -> {});
    gate.arm();
    CompletableFuture<HttpResponse<String>> slow =
        http.sendAsync(
            HttpRequest.newBuilder(uri("/slow")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    String drained = gate.awaitHolder();

    front.drain(drained);
    assertThat(view(drained).draining()).isTrue();
    assertThat(front.inFlight(drained)).isEqualTo(1);
    records.clear();
    load(3, 30);
    assertThat(records).noneMatch(r -> r.attemptedEndpointIds().contains(drained));
    assertThat(slow).isNotDone();

    gate.release();
    HttpResponse<String> finished = slow.get();
    assertThat(finished.statusCode()).isEqualTo(200);
    assertThat(finished.body()).isEqualTo(drained);
    await().atMost(Duration.ofSeconds(5)).until(() -> front.inFlight(drained) == 0);
    assertThat(view(drained).up()).isFalse(); // out of the pool, not probed

    int hits = backend(drained).hits.get();
    front.undrain(drained);
    assertThat(view(drained).draining()).isFalse();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              load(3, 15);
              assertThat(backend(drained).hits.get()).isGreaterThan(hits);
            });
  }

  @Test
  void backendAnswering500IsEjected() throws Exception {
    start(b -> b.outlierEjection(3));
    TestBackend bad = backends.get(0);
    bad.failing.set(true);
    // only the failing backend in the pool, so it gets the requests that eject it
    front.drain(backends.get(1).name);
    front.drain(backends.get(2).name);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> front.inFlight(backends.get(1).name) + front.inFlight(backends.get(2).name) == 0);
    for (int i = 0; i < 3; i++) {
      assertThat(get("/hello").statusCode()).isEqualTo(500); // a 500 is an answer: not retried
    }
    assertThat(view(bad.name).ejected()).isTrue();
    assertThat(view(bad.name).up()).isTrue(); // its readiness is fine: ejection is passive
    HttpResponse<String> none = get("/hello");
    assertThat(none.statusCode()).isEqualTo(503);
    assertThat(records.stream().reduce((a, b) -> b).orElseThrow().attemptedEndpointIds()).isEmpty();

    front.undrain(backends.get(1).name);
    front.undrain(backends.get(2).name);
    await().atMost(Duration.ofSeconds(10)).until(() -> view(backends.get(1).name).up());
    int badHits = bad.hits.get();
    records.clear();
    load(3, 20);
    assertThat(bad.hits.get()).isEqualTo(badHits);
    assertThat(records).noneMatch(r -> r.attemptedEndpointIds().contains(bad.name));
  }

  @Test
  void endpointAddedWhileRunningJoinsAfterRise() throws Exception {
    start(b -> {});
    try (TestBackend added = new TestBackend("app-4", gate)) {
      front.addEndpoint("app-4", "127.0.0.1", added.port());
      assertThat(view("app-4").up()).isFalse(); // not before its probes succeeded
      await().atMost(Duration.ofSeconds(10)).until(() -> view("app-4").up());
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                load(4, 20);
                assertThat(added.hits.get()).isPositive();
              });
      assertThat(front.endpoints()).extracting(FrontEndpointView::id).endsWith("app-4");
    }
    assertThatThrownBy(() -> front.addEndpoint("app-1", "127.0.0.1", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'app-1'");
    assertThatThrownBy(() -> front.drain("app-9")).hasMessageContaining("'app-9'");
  }

  @Test
  void answers503WhenNoBackendIsReady() throws Exception {
    start(b -> {});
    backends.forEach(b -> b.ready.set(false));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> front.endpoints().stream().noneMatch(FrontEndpointView::up));
    HttpResponse<String> response = get("/hello");
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).contains("no endpoint is up");
    assertThat(backends).allSatisfy(b -> assertThat(b.hits.get()).isZero());

    backends.forEach(b -> b.ready.set(true));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(get("/hello").statusCode()).isEqualTo(200));
  }
}
