package dev.strata.health.check;

import dev.strata.health.CheckResult;
import dev.strata.health.HealthCheck;
import dev.strata.health.internal.Durations;
import dev.strata.health.internal.Latency;
import dev.strata.health.internal.UriRedaction;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * UP when an HTTP GET of a URI answers, within a timeout, with a status in an expected range
 * (200-399 by default); the body is discarded. Details: {@code url}, {@code status}, {@code
 * latencyMillis}. Redirects are not followed (a 3xx is the answer). Uses the JDK {@link
 * HttpClient}.
 *
 * <p>Immutable and thread-safe.
 */
public final class HttpHealthCheck implements HealthCheck {

  private final URI uri;
  private final int minStatus;
  private final int maxStatus;
  private final Duration timeout;
  private final HttpClient client;

  private HttpHealthCheck(Builder b, HttpClient client) {
    this.uri = b.uri;
    this.minStatus = b.minStatus;
    this.maxStatus = b.maxStatus;
    this.timeout = b.timeout;
    this.client = client;
  }

  /**
   * Starts configuring a check of {@code uri}.
   *
   * @param uri an absolute {@code http} or {@code https} URI, not null; validated by {@link
   *     Builder#build()}
   * @return a builder: status 200-399, timeout 2 s, an own HTTP client
   */
  public static Builder builder(URI uri) {
    return new Builder(uri);
  }

  /**
   * A check of {@code uri} expecting 200-399 within 2 seconds.
   *
   * @param uri an absolute {@code http} or {@code https} URI, not null
   * @return the check
   */
  public static HttpHealthCheck of(URI uri) {
    return builder(uri).build();
  }

  @Override
  public CheckResult check() throws InterruptedException {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("url", UriRedaction.redact(uri));
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
    long start = System.nanoTime();
    HttpResponse<Void> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      return CheckResult.down(
          "GET " + UriRedaction.redact(uri) + " failed: " + CheckResult.describe(e), details);
    }
    details.put("status", response.statusCode());
    details.put("latencyMillis", Latency.millisSince(start));
    if (response.statusCode() < minStatus || response.statusCode() > maxStatus) {
      return CheckResult.down(
          "unexpected HTTP status "
              + response.statusCode()
              + " (expected "
              + minStatus
              + "-"
              + maxStatus
              + ")",
          details);
    }
    return CheckResult.up(details);
  }

  @Override
  public String toString() {
    return "HttpHealthCheck{GET "
        + UriRedaction.redact(uri)
        + " expecting "
        + minStatus
        + "-"
        + maxStatus
        + "}";
  }

  /** Configures an {@link HttpHealthCheck}. Not thread-safe; use from one thread. */
  public static final class Builder {
    private final URI uri;
    private int minStatus = 200;
    private int maxStatus = 399;
    private Duration timeout = Duration.ofSeconds(2);
    private @Nullable HttpClient client;

    private Builder(URI uri) {
      this.uri = Objects.requireNonNull(uri, "uri must not be null");
    }

    /**
     * Sets the range of statuses that count as UP, both ends included.
     *
     * @param min 100 to 599
     * @param max {@code min} to 599
     * @return this builder
     */
    public Builder expectedStatus(int min, int max) {
      this.minStatus = min;
      this.maxStatus = max;
      return this;
    }

    /**
     * Sets the request timeout (and connect timeout of the client this check creates).
     *
     * @param timeout positive, not null; default 2 s
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout must not be null");
      return this;
    }

    /**
     * Uses the given client instead of creating one (for TLS settings, proxies, an executor).
     *
     * @param client the client, not null
     * @return this builder
     */
    public Builder httpClient(HttpClient client) {
      this.client = Objects.requireNonNull(client, "client must not be null");
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the check
     * @throws IllegalArgumentException naming the field and value when a setting is invalid
     */
    public HttpHealthCheck build() {
      String scheme = uri.getScheme();
      if (!uri.isAbsolute()
          || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
          || uri.getHost() == null) {
        throw new IllegalArgumentException(
            "uri must be an absolute http or https URI with a host but was '"
                + UriRedaction.redact(uri)
                + "'");
      }
      if (minStatus < 100 || maxStatus > 599 || minStatus > maxStatus) {
        throw new IllegalArgumentException(
            "expectedStatus must be a range within 100-599 but was " + minStatus + "-" + maxStatus);
      }
      Durations.requirePositive("timeout", timeout);
      HttpClient c =
          client != null
              ? client
              : HttpClient.newBuilder()
                  .connectTimeout(timeout)
                  .followRedirects(HttpClient.Redirect.NEVER)
                  .build();
      return new HttpHealthCheck(this, c);
    }
  }
}
