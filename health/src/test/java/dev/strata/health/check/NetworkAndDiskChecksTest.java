package dev.strata.health.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.strata.health.CheckResult;
import dev.strata.health.HealthStatus;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkAndDiskChecksTest {

  private HttpServer server;
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void startServer() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/ok", exchange -> respond(exchange, 200));
    server.createContext("/fail", exchange -> respond(exchange, 500));
    server.createContext("/moved", exchange -> respond(exchange, 302));
    server.createContext(
        "/slow",
        exchange -> {
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          respond(exchange, 200);
        });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
  }

  private static void respond(com.sun.net.httpserver.HttpExchange exchange, int status)
      throws java.io.IOException {
    exchange.sendResponseHeaders(status, -1);
    exchange.close();
  }

  @AfterEach
  void stopServer() {
    release.countDown();
    server.stop(0);
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  @Test
  void tcpIsUpWhenAConnectionOpensAndDownWhenRefused() throws Exception {
    int closedPort;
    try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      CheckResult up =
          TcpHealthCheck.of("127.0.0.1", listening.getLocalPort(), Duration.ofSeconds(2)).check();
      assertThat(up.status()).isEqualTo(HealthStatus.UP);
      assertThat(up.details()).containsEntry("host", "127.0.0.1").containsKey("latencyMillis");
      closedPort = listening.getLocalPort();
    }
    CheckResult down = TcpHealthCheck.of("127.0.0.1", closedPort, Duration.ofSeconds(2)).check();
    assertThat(down.status()).isEqualTo(HealthStatus.DOWN);
    assertThat(down.error())
        .startsWith("cannot connect to 127.0.0.1:" + closedPort + ": java.net.ConnectException");
  }

  @Test
  void tcpValidatesItsSettings() {
    assertThatThrownBy(() -> TcpHealthCheck.of(" ", 80, Duration.ofSeconds(1)))
        .hasMessage("host must not be blank but was ' '");
    assertThatThrownBy(() -> TcpHealthCheck.of("db", 0, Duration.ofSeconds(1)))
        .hasMessage("port must be between 1 and 65535 but was 0");
    assertThatThrownBy(() -> TcpHealthCheck.of("db", 5432, Duration.ofSeconds(-1)))
        .hasMessage("connectTimeout must be positive but was PT-1S");
  }

  @Test
  void httpIsUpForAnExpectedStatusAndDownOtherwise() throws Exception {
    CheckResult ok = HttpHealthCheck.of(uri("/ok")).check();
    assertThat(ok.status()).isEqualTo(HealthStatus.UP);
    assertThat(ok.details()).containsEntry("status", 200).containsKey("latencyMillis");

    CheckResult fail = HttpHealthCheck.of(uri("/fail")).check();
    assertThat(fail.status()).isEqualTo(HealthStatus.DOWN);
    assertThat(fail.error()).isEqualTo("unexpected HTTP status 500 (expected 200-399)");
    assertThat(fail.details()).containsEntry("status", 500);

    assertThat(HttpHealthCheck.of(uri("/moved")).check().status()).isEqualTo(HealthStatus.UP);
    assertThat(
            HttpHealthCheck.builder(uri("/moved")).expectedStatus(200, 299).build().check().error())
        .isEqualTo("unexpected HTTP status 302 (expected 200-299)");
    assertThat(
            HttpHealthCheck.builder(uri("/fail")).expectedStatus(500, 599).build().check().status())
        .isEqualTo(HealthStatus.UP);
    assertThat(HttpHealthCheck.of(uri("/missing")).check().error())
        .isEqualTo("unexpected HTTP status 404 (expected 200-399)");
  }

  @Test
  void httpTimesOutAndRefusedConnectionsAreDown() throws Exception {
    CheckResult slow =
        HttpHealthCheck.builder(uri("/slow")).timeout(Duration.ofMillis(200)).build().check();
    assertThat(slow.status()).isEqualTo(HealthStatus.DOWN);
    assertThat(slow.error())
        .startsWith("GET " + uri("/slow") + " failed: java.net.http.HttpTimeoutException");

    int port = server.getAddress().getPort();
    server.stop(0);
    CheckResult refused =
        HttpHealthCheck.of(URI.create("http://127.0.0.1:" + port + "/ok")).check();
    assertThat(refused.status()).isEqualTo(HealthStatus.DOWN);
    assertThat(refused.error()).contains("ConnectException");
  }

  @Test
  void httpValidatesItsSettings() {
    assertThatThrownBy(() -> HttpHealthCheck.of(URI.create("/relative")))
        .hasMessage("uri must be an absolute http or https URI with a host but was '/relative'");
    assertThatThrownBy(() -> HttpHealthCheck.of(URI.create("ftp://host/x")))
        .hasMessage("uri must be an absolute http or https URI with a host but was 'ftp://host/x'");
    assertThatThrownBy(() -> HttpHealthCheck.builder(uri("/ok")).expectedStatus(300, 200).build())
        .hasMessage("expectedStatus must be a range within 100-599 but was 300-200");
    assertThatThrownBy(() -> HttpHealthCheck.builder(uri("/ok")).timeout(Duration.ZERO).build())
        .hasMessage("timeout must be positive but was PT0S");
  }

  @Test
  void diskSpaceIsDownBelowTheThreshold(@TempDir Path dir) throws Exception {
    CheckResult up = DiskSpaceHealthCheck.of(dir, 1).check();
    assertThat(up.status()).isEqualTo(HealthStatus.UP);
    assertThat((Long) up.details().get("usableBytes")).isPositive();
    CheckResult down = DiskSpaceHealthCheck.of(dir, Long.MAX_VALUE).check();
    assertThat(down.status()).isEqualTo(HealthStatus.DOWN);
    assertThat(down.error()).endsWith("bytes is below the threshold of " + Long.MAX_VALUE);
    assertThatThrownBy(() -> DiskSpaceHealthCheck.of(dir, -1))
        .hasMessage("thresholdBytes must not be negative but was -1");
  }
}
