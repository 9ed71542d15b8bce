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
 * meet the failures; a fresh endpoint (no latency measured yet) is preferred by peak-EWMA, so the
 * failing one is picked by the second request at the latest.
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
    for (int i = 0; i < 3; i++) {
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
    assertThat(live.hits.get()).isEqualTo(3);
  }

  @Test
  void postIsNotRetriedAfterItReachedABackendThatResetTheConnection() throws Exception {
    startFront("resetter", resetter.port());
    List<HttpResponse<String>> responses = new ArrayList<>();
    for (int i = 0; i < 3 && resetter.requests.get() == 0; i++) {
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
    for (int i = 0; i < 3 && resetter.requests.get() == 0; i++) {
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
        for (int i = 0; i < 3 && stuck.hits.get() == 0; i++) {
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
