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
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards a client request to the endpoints, one attempt at a time, under {@link RetryRules}:
 * never the same endpoint twice, at most {@code maxAttempts} endpoints. The client gets the last
 * answer an endpoint gave, 502 when every attempt failed, 503 when no endpoint was available, 413
 * when the body exceeds {@value #MAX_BODY} bytes. Each request is reported to the listener once,
 * when its response is ready, just before it is written.
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
    try (exchange) {
      Reply reply;
      try {
        byte[] body = readBody(exchange);
        reply =
            body == null
                ? Reply.plain(413, "request body larger than " + MAX_BODY + " bytes", true)
                : forward(exchange, method, path, body, attempted);
      } catch (IOException e) {
        log.debug("client of {} {} went away: {}", method, path, e.toString());
        report(startMillis, method, path, 499, null, attempted, System.nanoTime() - startNanos);
        return;
      } catch (RuntimeException e) {
        log.error("{} {} failed in the front", method, path, e);
        reply = Reply.plain(500, "the front failed to forward the request", true);
      }
      report(
          startMillis,
          method,
          path,
          reply.status(),
          reply.endpointId(),
          attempted,
          System.nanoTime() - startNanos);
      try {
        write(exchange, method, reply);
      } catch (IOException e) {
        log.debug("client of {} {} went away: {}", method, path, e.toString());
      }
    }
  }

  private Reply forward(
      HttpExchange exchange, String method, String path, byte[] body, List<String> attempted) {
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
      return new Reply(answer.status(), answer.headers(), answer.body(), answeredBy, false);
    }
    if (attempted.isEmpty()) {
      return Reply.plain(503, "no endpoint is up", false);
    }
    log.warn(
        "{} {} failed on {}: {}",
        method,
        path,
        attempted,
        failure == null ? "no answer" : failure.getMessage());
    return Reply.plain(
        502, "no endpoint answered (tried " + String.join(", ", attempted) + ")", false);
  }

  private static void write(HttpExchange exchange, String method, Reply reply) throws IOException {
    ForwardedHeaders.response(reply.headers(), exchange.getResponseHeaders());
    if (reply.close() || ForwardedHeaders.clientCloses(exchange.getRequestHeaders())) {
      exchange.getResponseHeaders().set("Connection", "close");
    }
    int status = reply.status();
    boolean noBody =
        method.equals("HEAD") || status == 204 || status == 304 || reply.body().length == 0;
    exchange.sendResponseHeaders(status, noBody ? -1 : reply.body().length);
    if (!noBody) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(reply.body());
      }
    }
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

  private void report(
      long startMillis,
      String method,
      String path,
      int status,
      @Nullable String endpointId,
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
              endpointId,
              attempted,
              status,
              latencyNanos,
              attempted.size() > 1));
    } catch (RuntimeException e) {
      log.warn("request listener failed", e);
    }
  }

  /** What the client gets: an endpoint's answer or the front's own. */
  private record Reply(
      int status,
      List<Map.Entry<String, String>> headers,
      byte[] body,
      @Nullable String endpointId,
      boolean close) {

    static Reply plain(int status, String message, boolean close) {
      return new Reply(
          status,
          List.of(Map.entry("Content-Type", "text/plain; charset=utf-8")),
          (status + " " + message + "\n").getBytes(StandardCharsets.UTF_8),
          null,
          close);
    }
  }
}
