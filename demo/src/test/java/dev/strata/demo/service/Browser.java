package dev.strata.demo.service;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One user's HTTP client that keeps the {@code SESSION} cookie and sends it to whichever instance
 * it talks to, as a browser behind the front balancer would.
 */
final class Browser {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private @Nullable String session;

  /** A response: status, body, and the instance header. */
  record Reply(int status, String body, @Nullable String instance) {
    JsonNode json() {
      return JSON.readTree(body);
    }
  }

  Reply get(String url) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(url)).GET());
  }

  Reply post(String url, @Nullable String json) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json)));
  }

  Reply put(String url, String json) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  @Nullable String sessionCookie() {
    return session;
  }

  void useSessionCookie(@Nullable String value) {
    session = value;
  }

  private Reply send(HttpRequest.Builder request) throws IOException, InterruptedException {
    request.timeout(Duration.ofSeconds(10));
    if (session != null) {
      request.header("Cookie", "SESSION=" + session);
    }
    HttpResponse<String> response =
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    for (String cookie : response.headers().allValues("Set-Cookie")) {
      if (cookie.startsWith("SESSION=")) {
        String value = cookie.substring("SESSION=".length(), cookie.indexOf(';'));
        session = value.isEmpty() || cookie.contains("Max-Age=0") ? null : value;
      }
    }
    Optional<String> instance = response.headers().firstValue(InstanceHeaderFilter.HEADER);
    return new Reply(response.statusCode(), response.body(), instance.orElse(null));
  }
}
