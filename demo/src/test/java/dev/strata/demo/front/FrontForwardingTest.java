package dev.strata.demo.front;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What crosses the front: header fields both ways, bodies up to the cap, and the admin paths. */
class FrontForwardingTest {

  private final TestBackend backend = new TestBackend("app-1", new TestBackend.SlowGate());
  private final List<String> controlCalls = new CopyOnWriteArrayList<>();
  private final List<RequestRecord> records = new CopyOnWriteArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private FrontBalancer front;

  @AfterEach
  void stopEverything() {
    if (front != null) {
      front.close();
    }
    backend.close();
  }

  private void startFront(boolean withControl) {
    FrontBalancer.Builder builder =
        FrontBalancer.builder()
            .endpoint("app-1", "127.0.0.1", backend.port())
            .healthPath("/ready")
            .probeInterval(Duration.ofMillis(200))
            .probeTimeout(Duration.ofSeconds(2))
            .listener(records::add);
    if (withControl) {
      builder.instanceControl(
          new InstanceControl() {
            @Override
            public void stop(String id) {
              controlCalls.add("stop " + id);
            }

            @Override
            public void kill(String id) {
              controlCalls.add("kill " + id);
            }

            @Override
            public void start(String id) {
              controlCalls.add("start " + id);
            }
          });
    }
    front = builder.build().start();
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + front.port() + path));
  }

  private HttpResponse<String> send(HttpRequest request) throws Exception {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void cookiesPassBothWaysWithEverySetCookieField() throws Exception {
    startFront(false);
    HttpResponse<String> response =
        send(request("/cookie").header("Cookie", "SESSION=abc123; theme=dark").GET().build());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("SESSION=abc123; theme=dark");
    assertThat(response.headers().allValues("Set-Cookie"))
        .containsExactly("a=1; Path=/", "b=2; Path=/; HttpOnly");
    assertThat(response.headers().firstValue("X-Backend")).hasValue("app-1");
  }

  @Test
  void hopByHopFieldsStayBehindAndTheClientIsAddedToXForwardedFor() throws Exception {
    startFront(false);
    String raw;
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), front.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /headers?x=1&y=%20z HTTP/1.1\r\n"
                  + "Host: shop.example\r\n"
                  + "Connection: close, X-Hop\r\n"
                  + "X-Hop: secret\r\n"
                  + "Keep-Alive: timeout=5\r\n"
                  + "X-Forwarded-For: 203.0.113.7\r\n"
                  + "X-Kept: yes\r\n"
                  + "\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      raw = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    assertThat(raw).startsWith("HTTP/1.1 200");
    String received = raw.substring(raw.indexOf("\r\n\r\n") + 4);
    assertThat(received)
        .contains("query=x=1&y=%20z")
        .contains("x-kept=[yes]")
        .contains("host=[shop.example]")
        .contains("x-forwarded-for=[203.0.113.7, 127.0.0.1]")
        .doesNotContain("x-hop")
        .doesNotContain("keep-alive=")
        .doesNotContain("connection=[close");
  }

  @Test
  void bodiesUpToOneMebibytePassAndLargerOnesGet413() throws Exception {
    startFront(false);
    byte[] max = new byte[1 << 20];
    HttpResponse<String> fits =
        send(request("/echo").POST(HttpRequest.BodyPublishers.ofByteArray(max)).build());
    assertThat(fits.statusCode()).isEqualTo(200);
    assertThat(fits.body()).isEqualTo("POST " + max.length);

    int hits = backend.hits.get();
    byte[] tooLarge = new byte[(1 << 20) + 1];
    HttpResponse<String> rejected =
        send(request("/echo").POST(HttpRequest.BodyPublishers.ofByteArray(tooLarge)).build());
    assertThat(rejected.statusCode()).isEqualTo(413);
    assertThat(backend.hits.get()).isEqualTo(hits);
    assertThat(records.get(records.size() - 1).status()).isEqualTo(413);
    assertThat(records.get(records.size() - 1).attemptedEndpointIds()).isEmpty();
  }

  @Test
  void adminPathsDelegateToTheInstanceControl() throws Exception {
    startFront(true);
    for (String action : List.of("stop", "kill", "start")) {
      HttpResponse<String> response =
          send(
              request("/_front/instances/app-1/" + action)
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).contains("\"action\":\"" + action + "\"");
    }
    assertThat(controlCalls).containsExactly("stop app-1", "kill app-1", "start app-1");

    assertThat(
            send(request("/_front/instances/app-9/kill")
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build())
                .statusCode())
        .isEqualTo(404);
    assertThat(
            send(request("/_front/instances/app-1/reboot")
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build())
                .statusCode())
        .isEqualTo(404);
    assertThat(send(request("/_front/instances/app-1/kill").GET().build()).statusCode())
        .isEqualTo(405);
    assertThat(controlCalls).hasSize(3);
    assertThat(records).isEmpty(); // admin requests are not proxied requests
  }

  @Test
  void adminControlPathsAnswer501WithoutAControl() throws Exception {
    startFront(false);
    HttpResponse<String> response =
        send(
            request("/_front/instances/app-1/kill")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    assertThat(response.statusCode()).isEqualTo(501);
  }

  @Test
  void statusListsTheEndpointsAsJson() throws Exception {
    startFront(false);
    send(request("/hello").GET().build());
    HttpResponse<String> response = send(request("/_front/status").GET().build());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode json = JsonMapper.builder().build().readTree(response.body());
    assertThat(json.isArray()).isTrue();
    assertThat(json).hasSize(1);
    JsonNode endpoint = json.get(0);
    assertThat(endpoint.get("id").asString()).isEqualTo("app-1");
    assertThat(endpoint.get("port").asInt()).isEqualTo(backend.port());
    assertThat(endpoint.get("up").asBoolean()).isTrue();
    assertThat(endpoint.get("ejected").asBoolean()).isFalse();
    assertThat(endpoint.get("draining").asBoolean()).isFalse();
    assertThat(endpoint.get("inFlight").asInt()).isZero();
    assertThat(endpoint.get("served").asLong()).isEqualTo(1);
  }

  @Test
  void builderRejectsBadSettingsNamingThem() {
    assertThatThrownBy(() -> FrontBalancer.builder().maxAttempts(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> FrontBalancer.builder().healthPath("ready").build())
        .hasMessageContaining("healthPath");
    assertThatThrownBy(
            () ->
                FrontBalancer.builder()
                    .endpoint("a", "127.0.0.1", 1)
                    .endpoint("a", "127.0.0.1", 2)
                    .build())
        .hasMessageContaining("'a'");
    assertThatThrownBy(() -> FrontBalancer.builder().probeInterval(Duration.ZERO).build())
        .hasMessageContaining("probeInterval");
  }
}
