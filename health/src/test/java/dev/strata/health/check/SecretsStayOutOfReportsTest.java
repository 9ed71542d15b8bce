package dev.strata.health.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpServer;
import dev.strata.health.CheckResult;
import dev.strata.health.DetailsVisibility;
import dev.strata.health.HealthCheckRegistration;
import dev.strata.health.HealthEndpoint;
import dev.strata.health.HealthRegistry;
import dev.strata.health.HealthStatus;
import dev.strata.health.internal.UriRedaction;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * URLs with user information and token query parameters never show their secrets in check details,
 * errors, {@code toString()}, the JSON endpoint or the log.
 */
class SecretsStayOutOfReportsTest {

  private static final String PASSWORD = "pw-SECRET-1";
  private static final String TOKEN = "tok-SECRET-2";

  private HttpServer server;
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  @BeforeEach
  void setUp() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/fail",
        exchange -> {
          exchange.sendResponseHeaders(500, -1);
          exchange.close();
        });
    server.start();
    logs.start();
    root.addAppender(logs);
  }

  @AfterEach
  void tearDown() {
    root.detachAppender(logs);
    server.stop(0);
  }

  private URI secretUri(int port) {
    return URI.create(
        "http://alice:"
            + PASSWORD
            + "@127.0.0.1:"
            + port
            + "/fail?token="
            + TOKEN
            + "&format=json#"
            + TOKEN);
  }

  private static void assertNoSecret(String text) {
    assertThat(text).doesNotContain(PASSWORD).doesNotContain(TOKEN);
  }

  @Test
  void redactionKeepsWhatWasCalledAndDropsUserInfoQueryValuesAndFragment() {
    assertThat(UriRedaction.redact(URI.create("https://bob:hunter2@db.example:8443/p/q?token=x&y")))
        .isEqualTo("https://***@db.example:8443/p/q?token=***&***");
    assertThat(UriRedaction.redact(URI.create("redis://:hunter2@cache:6379/0")))
        .isEqualTo("redis://***@cache:6379/0");
    assertThat(UriRedaction.redact(URI.create("http://host/health")))
        .isEqualTo("http://host/health");
    assertThat(
            UriRedaction.redactIn(
                "connect to jdbc:postgresql://db/app?user=u&password=hunter2 failed; retry"
                    + " https://TOKEN123@api.example/v1#frag."))
        .isEqualTo(
            "connect to jdbc:postgresql://db/app?user=***&password=*** failed; retry"
                + " https://***@api.example/v1");
    assertThat(UriRedaction.redactIn("no address here")).isEqualTo("no address here");
    assertThat(UriRedaction.redact(URI.create("mailto:a@b?subject=hunter2")))
        .doesNotContain("hunter2");
  }

  @Test
  void httpCheckDetailsErrorsAndToStringCarryNoSecret() throws Exception {
    int port = server.getAddress().getPort();
    HttpHealthCheck check = HttpHealthCheck.of(secretUri(port));
    CheckResult fail = check.check();
    assertThat(fail.status()).isEqualTo(HealthStatus.DOWN);
    assertThat(fail.details())
        .containsEntry("url", "http://***@127.0.0.1:" + port + "/fail?token=***&format=***");
    assertNoSecret(fail.details().toString());
    assertNoSecret(String.valueOf(fail.error()));
    assertNoSecret(check.toString());

    server.stop(0);
    CheckResult refused = check.check();
    assertThat(refused.status()).isEqualTo(HealthStatus.DOWN);
    assertThat(refused.error()).startsWith("GET http://***@127.0.0.1:" + port + "/fail?token=***");
    assertNoSecret(refused.error());
    assertNoSecret(refused.details().toString());
  }

  @Test
  void aRejectedUriIsNamedWithoutItsSecrets() {
    assertThatThrownBy(() -> HttpHealthCheck.of(URI.create("ftp://u:" + PASSWORD + "@h/x?t=1")))
        .hasMessage(
            "uri must be an absolute http or https URI with a host but was 'ftp://***@h/x?t=***'");
  }

  @Test
  void theEndpointAndTheLogShowNoSecret() throws Exception {
    int port = server.getAddress().getPort();
    try (HealthRegistry registry =
            HealthRegistry.builder().defaultMinInterval(Duration.ZERO).build();
        HealthEndpoint endpoint =
            HealthEndpoint.builder(registry)
                .port(0)
                .showDetails(DetailsVisibility.ALWAYS)
                .build()
                .start()) {
      registry.register(
          HealthCheckRegistration.builder("upstream", HttpHealthCheck.of(secretUri(port))).build());
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + endpoint.port() + "/health"))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.body()).contains("/fail?token=***");
      assertNoSecret(response.body());
    }
    List<ILoggingEvent> events = logs.list;
    assertThat(events).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("upstream"));
    for (ILoggingEvent e : events) {
      assertNoSecret(e.getFormattedMessage());
    }
  }
}
