package dev.strata.health.active.internal;

import dev.strata.health.CheckResult;
import dev.strata.health.active.EndpointProbe;
import dev.strata.health.internal.UriRedaction;
import dev.strata.lb.Endpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Probes with {@code GET http://HOST:PORT/path}, expecting a status range, on one JDK HttpClient
 * shared by all HTTP probes of the process. Immutable and thread-safe.
 */
public final class HttpEndpointProbe implements EndpointProbe {

  private static final class SharedClient {
    static final HttpClient CLIENT =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  private final String path;
  private final int minStatus;
  private final int maxStatus;

  /**
   * Creates a probe.
   *
   * @param path the path, starting with {@code /}
   * @param minStatus lowest successful status
   * @param maxStatus highest successful status
   * @throws IllegalArgumentException naming the field and value when one is invalid
   */
  public HttpEndpointProbe(String path, int minStatus, int maxStatus) {
    Objects.requireNonNull(path, "path must not be null");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with '/' but was '" + path + "'");
    }
    if (minStatus < 100 || maxStatus > 599 || minStatus > maxStatus) {
      throw new IllegalArgumentException(
          "expected status must be a range within 100-599 but was " + minStatus + "-" + maxStatus);
    }
    this.path = path;
    this.minStatus = minStatus;
    this.maxStatus = maxStatus;
  }

  @Override
  public CompletionStage<CheckResult> probe(Endpoint endpoint, Duration timeout) {
    String host = endpoint.address().getHostString();
    String authority = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    URI uri = URI.create("http://" + authority + ":" + endpoint.address().getPort() + path);
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
    return SharedClient.CLIENT
        .sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .handle(
            (response, failure) -> {
              if (failure != null) {
                return CheckResult.down(
                    "GET "
                        + UriRedaction.redact(uri)
                        + " failed: "
                        + CheckResult.describe(failure));
              }
              int status = response.statusCode();
              if (status < minStatus || status > maxStatus) {
                return CheckResult.down(
                    "GET "
                        + UriRedaction.redact(uri)
                        + " answered "
                        + status
                        + " (expected "
                        + minStatus
                        + "-"
                        + maxStatus
                        + ")");
              }
              return CheckResult.up();
            });
  }

  @Override
  public String toString() {
    return "http GET "
        + UriRedaction.redactIn("http://h" + path).substring(8)
        + " expecting "
        + minStatus
        + "-"
        + maxStatus;
  }
}
