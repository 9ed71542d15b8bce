package dev.strata.demo.front;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The retry rules against backends that fail in the ways that matter: a refused connect (the
 * request never arrived) is retried for any method; a reset after the request arrived only for
 * idempotent ones. The checker probes too rarely to interfere, so these requests are the first to
 * meet the failures. Requests are sent one at a time until the failing backend was picked (half of
 * the picks while both are unloaded).
 */
class FrontRetryTest {

  private final TestBackend live = new TestBackend("live", new TestBackend.SlowGate());
  private final ConcurrentLinkedQueue<RequestRecord> records = new ConcurrentLinkedQueue<>();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private ResettingBackend resetter;
  private FrontBalancer front;

  @BeforeEach
  void startResetter() throws IOException {
    resetter = new ResettingBackend();
  }

  @AfterEach
  void stopEverything() throws IOException {
    if (front != null) {
      front.close();
    }
    live.close();
    resetter.close();
  }

  private void startFront(String failingId, int failingPort) {
    front =
        FrontBalancer.builder()
            .endpoint(failingId, "127.0.0.1", failingPort)
            .endpoint("live", "127.0.0.1", live.port())
            .healthPath("/ready")
            .probeInterval(Duration.ofHours(1))
            .listener(records::add)
            .build()
            .start();
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + front.port() + path))
            .method(method, HttpRequest.BodyPublishers.ofString("hello"))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Test
  void postIsRetriedOnAnotherBackendWhenTheConnectIsRefused() throws Exception {
    startFront("dead", closedPort());
    List<HttpResponse<String>> responses = new ArrayList<>();
    for (int i = 0; i < 30 && records.stream().noneMatch(RequestRecord::retried); i++) {
      responses.add(send("POST", "/echo"));
    }

    assertThat(responses)
        .allSatisfy(
            r -> {
              assertThat(r.statusCode()).isEqualTo(200);
              assertThat(r.body()).isEqualTo("POST 5");
            });
    assertThat(records)
        .filteredOn(RequestRecord::retried)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.attemptedEndpointIds()).containsExactly("dead", "live");
              assertThat(r.endpointId()).isEqualTo("live");
              assertThat(r.status()).isEqualTo(200);
            });
    assertThat(live.hits.get()).isEqualTo(responses.size());
  }

  @Test
  void postIsNotRetriedAfterItReachedABackendThatResetTheConnection() throws Exception {
    startFront("resetter", resetter.port());
    List<HttpResponse<String>> responses = new ArrayList<>();
    for (int i = 0; i < 30 && resetter.requests.get() == 0; i++) {
      responses.add(send("POST", "/echo"));
    }

    assertThat(resetter.requests.get()).isEqualTo(1);
    HttpResponse<String> last = responses.get(responses.size() - 1);
    assertThat(last.statusCode()).isEqualTo(502);
    assertThat(last.body()).contains("no endpoint answered");
    assertThat(live.hits.get()).isEqualTo(responses.size() - 1); // the POST never went there
    assertThat(records)
        .filteredOn(r -> r.status() == 502)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.attemptedEndpointIds()).containsExactly("resetter");
              assertThat(r.endpointId()).isNull();
              assertThat(r.retried()).isFalse();
            });
  }

  @Test
  void getIsRetriedOnAnotherBackendAfterAReset() throws Exception {
    startFront("resetter", resetter.port());
    List<HttpResponse<String>> responses = new ArrayList<>();
    for (int i = 0; i < 30 && resetter.requests.get() == 0; i++) {
      responses.add(send("GET", "/hello"));
    }

    assertThat(resetter.requests.get()).isEqualTo(1);
    assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
    assertThat(records)
        .filteredOn(RequestRecord::retried)
        .singleElement()
        .satisfies(r -> assertThat(r.attemptedEndpointIds()).containsExactly("resetter", "live"));
  }

  @Test
  void a503IsRetriedForGetButForwardedForPost() throws Exception {
    try (TestBackend unavailable = new TestBackend("unavailable", new TestBackend.SlowGate())) {
      unavailable.failing.set(true);
      unavailable.failStatus.set(503);
      startFront("unavailable", unavailable.port());
      List<HttpResponse<String>> gets = new ArrayList<>();
      for (int i = 0; i < 30 && unavailable.hits.get() == 0; i++) {
        gets.add(send("GET", "/hello"));
      }
      assertThat(gets).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
      assertThat(records)
          .filteredOn(RequestRecord::retried)
          .singleElement()
          .satisfies(
              r -> assertThat(r.attemptedEndpointIds()).containsExactly("unavailable", "live"));

      front.close(); // a new front: "unavailable" has no failure on record there
      records.clear();
      startFront("unavailable", unavailable.port());
      List<HttpResponse<String>> posts = new ArrayList<>();
      for (int i = 0; i < 30 && unavailable.hits.get() == 1; i++) {
        posts.add(send("POST", "/echo"));
      }
      HttpResponse<String> last = posts.get(posts.size() - 1);
      assertThat(last.statusCode()).isEqualTo(503);
      assertThat(last.headers().firstValue("X-Backend")).hasValue("unavailable");
      assertThat(records).noneMatch(RequestRecord::retried);
    }
  }

  @Test
  void whenEveryAttemptFailsTheClientGets502AndNoEndpointIsTriedTwice() throws Exception {
    front =
        FrontBalancer.builder()
            .endpoint("dead-1", "127.0.0.1", closedPort())
            .endpoint("dead-2", "127.0.0.1", closedPort())
            .endpoint("dead-3", "127.0.0.1", closedPort())
            .healthPath("/ready")
            .probeInterval(Duration.ofHours(1))
            .outlierEjection(0)
            .maxAttempts(5)
            .listener(records::add)
            .build()
            .start();

    HttpResponse<String> response = send("GET", "/hello");

    assertThat(response.statusCode()).isEqualTo(502);
    RequestRecord record = records.peek();
    assertThat(record.status()).isEqualTo(502);
    assertThat(record.endpointId()).isNull();
    assertThat(record.retried()).isTrue();
    assertThat(record.attemptedEndpointIds())
        .containsExactlyInAnyOrder("dead-1", "dead-2", "dead-3");
  }

  @Test
  void idleConnectionClosedByTheBackendIsReplacedWithoutARetry() throws Exception {
    front =
        FrontBalancer.builder()
            .endpoint("live", "127.0.0.1", live.port())
            .healthPath("/ready")
            .probeInterval(Duration.ofHours(1))
            .listener(records::add)
            .build()
            .start();
    assertThat(send("GET", "/hello").statusCode()).isEqualTo(200); // leaves an idle connection
    live.stop(); // closes it
    live.restart();

    HttpResponse<String> again = send("GET", "/hello");

    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(records)
        .allSatisfy(r -> assertThat(r.attemptedEndpointIds()).containsExactly("live"));
  }

  @Test
  void putIsRetriedOnAnotherBackendAfterAnUpstreamTimeout() throws Exception {
    TestBackend.SlowGate gate = new TestBackend.SlowGate();
    try (TestBackend stuck = new TestBackend("stuck", gate)) {
      front =
          FrontBalancer.builder()
              .endpoint("stuck", "127.0.0.1", stuck.port())
              .endpoint("live", "127.0.0.1", live.port())
              .healthPath("/ready")
              .probeInterval(Duration.ofHours(1))
              .upstreamTimeout(Duration.ofMillis(300))
              .listener(records::add)
              .build()
              .start();
      try {
        List<HttpResponse<String>> puts = new ArrayList<>();
        gate.arm();
        for (int i = 0; i < 30 && stuck.hits.get() == 0; i++) {
          puts.add(send("PUT", "/slow"));
        }
        assertThat(stuck.hits.get()).isEqualTo(1);
        assertThat(puts).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
        assertThat(records)
            .filteredOn(RequestRecord::retried)
            .singleElement()
            .satisfies(r -> assertThat(r.attemptedEndpointIds()).containsExactly("stuck", "live"));
      } finally {
        gate.release();
      }
    }
  }
}
