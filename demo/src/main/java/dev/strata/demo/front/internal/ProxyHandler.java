package dev.strata.demo.front.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.strata.demo.front.RequestRecord;
import dev.strata.lb.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards a client request to the endpoints, one attempt at a time, under {@link RetryRules}:
 * never the same endpoint twice, at most {@code maxAttempts} endpoints. The client gets the last
 * answer an endpoint gave, 502 when every attempt failed, 503 when no endpoint was available, 413
 * when the body exceeds {@value #MAX_BODY} bytes. Each request is reported to the listener once.
 */
public final class ProxyHandler implements HttpHandler {

  /** The largest request body forwarded. */
  public static final int MAX_BODY = 1 << 20;

  /** An oversized body up to this size is read and dropped, so the client sees the 413. */
  private static final long DISCARD_LIMIT = 16L << 20;

  private static final Logger log = LoggerFactory.getLogger(ProxyHandler.class);

  private final EndpointSet endpoints;
  private final UpstreamClient client;
  private final Duration upstreamTimeout;
  private final int maxAttempts;
  private final @Nullable Consumer<RequestRecord> listener;

  /**
   * Creates the handler.
   *
   * @param endpoints where requests go
   * @param client how they get there
   * @param upstreamTimeout limit of one attempt
   * @param maxAttempts endpoints tried at most per request
   * @param listener told about every finished request, or null
   */
  public ProxyHandler(
      EndpointSet endpoints,
      UpstreamClient client,
      Duration upstreamTimeout,
      int maxAttempts,
      @Nullable Consumer<RequestRecord> listener) {
    this.endpoints = endpoints;
    this.client = client;
    this.upstreamTimeout = upstreamTimeout;
    this.maxAttempts = maxAttempts;
    this.listener = listener;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    long startNanos = System.nanoTime();
    long startMillis = System.currentTimeMillis();
    String method = exchange.getRequestMethod();
    String rawPath = exchange.getRequestURI().getRawPath();
    String path = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
    List<String> attempted = new ArrayList<>(maxAttempts);
    Outcome outcome = new Outcome(0, null);
    try {
      byte[] body = readBody(exchange);
      if (body == null) {
        exchange.getResponseHeaders().set("Connection", "close");
        outcome = plain(exchange, 413, "request body larger than " + MAX_BODY + " bytes");
      } else {
        outcome = forward(exchange, method, path, body, attempted);
      }
    } catch (IOException e) {
      log.debug("client of {} {} went away: {}", method, path, e.toString());
      if (outcome.status == 0) {
        outcome = new Outcome(499, null);
      }
    } finally {
      exchange.close();
      report(startMillis, method, path, outcome, attempted, System.nanoTime() - startNanos);
    }
  }

  private Outcome forward(
      HttpExchange exchange, String method, String path, byte[] body, List<String> attempted)
      throws IOException {
    String query = exchange.getRequestURI().getRawQuery();
    UpstreamRequest request =
        new UpstreamRequest(
            method,
            query == null ? path : path + "?" + query,
            ForwardedHeaders.request(exchange),
            body);
    boolean idempotent = RetryRules.idempotent(method);
    UpstreamResponse answer = null;
    String answeredBy = null;
    UpstreamFailure failure = null;
    for (int attempt = 0; attempt < maxAttempts; attempt++) {
      Endpoint endpoint = endpoints.pick(attempted);
      if (endpoint == null) {
        break;
      }
      attempted.add(endpoint.id());
      long start = System.nanoTime();
      try {
        UpstreamResponse response = client.exchange(endpoint, request, upstreamTimeout, idempotent);
        endpoints.complete(endpoint, System.nanoTime() - start, response.status() < 500, true);
        answer = response;
        answeredBy = endpoint.id();
        if (!RetryRules.retryAfter(response.status(), idempotent)) {
          break;
        }
      } catch (UpstreamFailure e) {
        endpoints.complete(endpoint, System.nanoTime() - start, false, false);
        failure = e;
        log.debug("{} {}: {}", method, path, e.getMessage());
        if (!RetryRules.retryAfter(e.kind(), idempotent)) {
          break;
        }
      } catch (RuntimeException e) {
        endpoints.complete(endpoint, System.nanoTime() - start, false, false);
        throw e;
      }
    }
    if (answer != null) {
      ForwardedHeaders.response(answer.headers(), exchange.getResponseHeaders());
      boolean noBody =
          method.equals("HEAD")
              || answer.status() == 204
              || answer.status() == 304
              || answer.body().length == 0;
      exchange.sendResponseHeaders(answer.status(), noBody ? -1 : answer.body().length);
      if (!noBody) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(answer.body());
        }
      }
      return new Outcome(answer.status(), answeredBy);
    }
    if (attempted.isEmpty()) {
      return plain(exchange, 503, "no endpoint is up");
    }
    log.warn(
        "{} {} failed on {}: {}",
        method,
        path,
        attempted,
        failure == null ? "no answer" : failure.getMessage());
    return plain(
        exchange, 502, "no endpoint answered (tried " + String.join(", ", attempted) + ")");
  }

  private static byte @Nullable [] readBody(HttpExchange exchange) throws IOException {
    InputStream in = exchange.getRequestBody();
    String declared = exchange.getRequestHeaders().getFirst("Content-Length");
    if (declared != null) {
      long length;
      try {
        length = Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        length = -1;
      }
      if (length > MAX_BODY) {
        if (length <= DISCARD_LIMIT) {
          in.skipNBytes(length);
        }
        return null;
      }
    }
    byte[] body = in.readNBytes(MAX_BODY + 1);
    if (body.length > MAX_BODY) {
      long skipped = 0;
      while (skipped < DISCARD_LIMIT && in.read() >= 0) {
        skipped += 1 + in.skip(DISCARD_LIMIT - skipped);
      }
      return null;
    }
    return body;
  }

  static Outcome plain(HttpExchange exchange, int status, String message) throws IOException {
    byte[] bytes = (status + " " + message + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
    return new Outcome(status, null);
  }

  private void report(
      long startMillis,
      String method,
      String path,
      Outcome outcome,
      List<String> attempted,
      long latencyNanos) {
    Consumer<RequestRecord> target = listener;
    if (target == null) {
      return;
    }
    try {
      target.accept(
          new RequestRecord(
              startMillis,
              method,
              path,
              outcome.endpointId,
              attempted,
              outcome.status,
              latencyNanos,
              attempted.size() > 1));
    } catch (RuntimeException e) {
      log.warn("request listener failed", e);
    }
  }

  /** The status the client got and the endpoint that gave it. */
  record Outcome(int status, @Nullable String endpointId) {}
}
