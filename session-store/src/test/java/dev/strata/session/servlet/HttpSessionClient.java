package dev.strata.session.servlet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A real HTTP client that keeps one session cookie by hand (so tests see exactly what the server
 * sets), like a browser would across several servers of one site.
 */
final class HttpSessionClient {

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String cookieName;
  private @Nullable String cookieValue;

  HttpSessionClient(String cookieName) {
    this.cookieName = cookieName;
  }

  @Nullable String sessionId() {
    return cookieValue;
  }

  void setSessionId(@Nullable String value) {
    this.cookieValue = value;
  }

  HttpResponse<String> get(String uri) {
    return send(HttpRequest.newBuilder(URI.create(uri)).GET());
  }

  HttpResponse<String> post(String uri) {
    return send(HttpRequest.newBuilder(URI.create(uri)).POST(HttpRequest.BodyPublishers.noBody()));
  }

  HttpResponse<String> send(HttpRequest.Builder request) {
    if (cookieValue != null) {
      request.header("Cookie", cookieName + "=" + cookieValue);
    }
    try {
      HttpResponse<String> response =
          http.send(
              request.timeout(Duration.ofSeconds(20)).build(),
              HttpResponse.BodyHandlers.ofString());
      for (String header : setCookies(response)) {
        if (header.startsWith(cookieName + "=")) {
          String value = header.substring(cookieName.length() + 1, header.indexOf(';'));
          cookieValue = header.contains("Max-Age=0") || value.isEmpty() ? null : value;
        }
      }
      return response;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static List<String> setCookies(HttpResponse<?> response) {
    return response.headers().allValues("Set-Cookie");
  }
}
