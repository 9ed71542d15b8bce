package dev.strata.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Slow, idle and oversized clients cannot keep liveness probes from being answered: the endpoint
 * reads request heads without a thread per connection, with a deadline, a size cap and a connection
 * cap that closes the oldest unfinished request first.
 */
class HealthEndpointHostileClientsTest {

  private static final int SLOW_CLIENTS = 50;
  private static final int PROBES = 100;

  private final HealthRegistry registry =
      HealthRegistry.builder().defaultMinInterval(Duration.ZERO).build();
  private final List<Socket> slowClients = new ArrayList<>();
  private HealthEndpoint endpoint;

  @AfterEach
  void tearDown() throws IOException {
    for (Socket s : slowClients) {
      s.close();
    }
    if (endpoint != null) {
      endpoint.close();
    }
    registry.close();
  }

  private void start(HealthEndpoint.Builder builder) {
    registry.register(
        HealthCheckRegistration.builder("ping", CheckResult::up)
            .groups(HealthGroup.LIVENESS)
            .build());
    endpoint = builder.port(0).build().start();
  }

  /** Connects and sends part of a request head, then nothing more. */
  private Socket slowClient() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), endpoint.port());
    s.setSoTimeout(10_000);
    OutputStream out = s.getOutputStream();
    out.write(
        "GET /health/live HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    slowClients.add(s);
    return s;
  }

  /** Sends 100 liveness probes from 4 threads, each allowed 2 seconds; returns the statuses. */
  private List<Integer> probe() throws Exception {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    URI uri = URI.create("http://127.0.0.1:" + endpoint.port() + "/health/live");
    ExecutorService probers = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < PROBES; i++) {
        results.add(
            probers.submit(
                () ->
                    http.send(
                            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.ofString())
                        .statusCode()));
      }
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> f : results) {
        statuses.add(f.get());
      }
      return statuses;
    } finally {
      probers.shutdownNow();
    }
  }

  private static boolean closedByServer(Socket s) throws IOException {
    try {
      InputStream in = s.getInputStream();
      while (in.read() >= 0) {
        // drain whatever the server answered before closing
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  @Test
  void fiftyIdleClientsDoNotDelayOneHundredProbes() throws Exception {
    start(HealthEndpoint.builder(registry).headerReadTimeout(Duration.ofMinutes(1)));
    for (int i = 0; i < SLOW_CLIENTS; i++) {
      slowClient();
    }
    assertThat(probe()).hasSize(PROBES).containsOnly(200);
    // the slow clients were not dropped to make this work: they still hold their sockets
    for (Socket s : slowClients) {
      s.setSoTimeout(1);
      assertThat(closedByServer(s)).isFalse();
    }
  }

  /**
   * The naive scheme, as this endpoint was before: the JDK server reads request heads on its worker
   * threads, so two clients that never finish their heads starve every probe.
   */
  @Test
  void onTheJdkServerTwoIdleClientsStarveTheProbes() throws Exception {
    ThreadPoolExecutor workers =
        new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
    HttpServer jdk =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    jdk.setExecutor(workers);
    jdk.createContext(
        "/health/live",
        exchange -> {
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    jdk.start();
    try {
      for (int i = 0; i < 2; i++) {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), jdk.getAddress().getPort());
        s.getOutputStream()
            .write("GET /health/live HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        slowClients.add(s);
      }
      await().until(() -> workers.getActiveCount() == 2);
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpRequest probe =
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + jdk.getAddress().getPort() + "/health/live"))
              .timeout(Duration.ofSeconds(2))
              .build();
      assertThatThrownBy(() -> http.send(probe, HttpResponse.BodyHandlers.discarding()))
          .isInstanceOf(HttpTimeoutException.class);
    } finally {
      for (Socket s : slowClients) {
        s.close();
      }
      jdk.stop(0);
      workers.shutdownNow();
    }
  }

  @Test
  void atTheConnectionCapTheOldestUnfinishedRequestMakesRoom() throws Exception {
    start(
        HealthEndpoint.builder(registry)
            .maxConnections(16)
            .headerReadTimeout(Duration.ofMinutes(1)));
    for (int i = 0; i < SLOW_CLIENTS; i++) {
      slowClient();
    }
    assertThat(probe()).hasSize(PROBES).containsOnly(200);
    assertThat(closedByServer(slowClients.get(0))).isTrue();
  }

  @Test
  void aClientThatMissesTheHeaderDeadlineIsDisconnected() throws Exception {
    start(HealthEndpoint.builder(registry).headerReadTimeout(Duration.ofMillis(300)));
    Socket slow = slowClient();
    assertThat(closedByServer(slow)).isTrue();
    assertThat(probe()).containsOnly(200);
  }

  @Test
  void anOversizedHeadIs431AndAMalformedOneIs400() throws Exception {
    start(HealthEndpoint.builder(registry).maxRequestHeadBytes(1024));
    assertThat(raw("GET /health/live HTTP/1.1\r\nX-Big: " + "a".repeat(2000) + "\r\n\r\n"))
        .startsWith("HTTP/1.1 431 ");
    assertThat(raw("GARBAGE\r\n\r\n")).startsWith("HTTP/1.1 400 ");
    assertThat(raw("GET /health/live HTTP/1.1\r\nno colon here\r\n\r\n"))
        .startsWith("HTTP/1.1 400 ");
    String ok = raw("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(ok).startsWith("HTTP/1.1 200 OK\r\n").contains("Connection: close\r\n");
    assertThat(ok).contains("\"status\":\"UP\"");
  }

  @Test
  void bindsTheLoopbackAddressByDefault() throws Exception {
    start(HealthEndpoint.builder(registry));
    assertThat(endpoint.address().getAddress().isLoopbackAddress()).isTrue();
  }

  private String raw(String request) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), endpoint.port())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      try {
        s.getInputStream().transferTo(response);
      } catch (IOException reset) {
        // the server may reset after answering a request it did not read to the end
      }
      return response.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
