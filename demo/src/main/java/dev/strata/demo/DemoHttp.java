package dev.strata.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The demo's HTTP client: HTTP/1.1, JSON bodies, an optional {@code SESSION} cookie. Thread-safe;
 * one instance is shared by every simulated user.
 */
final class DemoHttp {
  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient client;

  DemoHttp() {
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
  }

  /** A response: status, body parsed as JSON when it is JSON, the session cookie it set. */
  record Reply(
      int status,
      @Nullable JsonNode json,
      @Nullable String setSession,
      @Nullable String instance) {}

  /**
   * Sends one request.
   *
   * @param method the method
   * @param url the absolute URL
   * @param body a JSON body, or {@code null}
   * @param session the {@code SESSION} cookie value, or {@code null}
   * @return the reply
   * @throws IOException on a transport failure (connection refused, reset, timeout)
   */
  Reply send(String method, String url, @Nullable Object body, @Nullable String session)
      throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(TIMEOUT)
            .header("Accept", "application/json");
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    }
    if (session != null) {
      request.header("Cookie", "SESSION=" + session);
    }
    HttpResponse<String> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    JsonNode json = null;
    String contentType = response.headers().firstValue("Content-Type").orElse("");
    if (contentType.contains("json") && !response.body().isEmpty()) {
      try {
        json = JSON.readTree(response.body());
      } catch (RuntimeException e) {
        json = null;
      }
    }
    String setSession = null;
    for (String cookie : response.headers().allValues("Set-Cookie")) {
      if (cookie.startsWith("SESSION=")) {
        int end = cookie.indexOf(';');
        setSession = cookie.substring("SESSION=".length(), end < 0 ? cookie.length() : end);
      }
    }
    return new Reply(
        response.statusCode(),
        json,
        setSession,
        response.headers().firstValue("X-Strata-Instance").orElse(null));
  }
}
