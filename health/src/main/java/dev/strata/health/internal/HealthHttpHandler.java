package dev.strata.health.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.strata.health.DetailsVisibility;
import dev.strata.health.HealthGroup;
import dev.strata.health.HealthRegistry;
import dev.strata.health.HealthReport;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes health requests to the registry and writes the response once the checks complete, on the
 * server's executor, so no request thread waits for a check. Thread-safe.
 */
public final class HealthHttpHandler implements HttpHandler {

  private static final Logger log = LoggerFactory.getLogger(HealthHttpHandler.class);

  private static final String JSON = "application/json; charset=utf-8";
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String BEARER = "Bearer ";

  private final HealthRegistry registry;
  private final String basePath;
  private final String prefix;
  private final DetailsVisibility details;
  private final byte @Nullable [] tokenDigest;
  private final Executor responseExecutor;

  /**
   * Creates a handler.
   *
   * @param registry the registry to serve
   * @param basePath the normalised base path
   * @param details when to show details
   * @param bearerToken the token's UTF-8 bytes when details need one, else null
   * @param responseExecutor where responses are written
   */
  public HealthHttpHandler(
      HealthRegistry registry,
      String basePath,
      DetailsVisibility details,
      byte @Nullable [] bearerToken,
      Executor responseExecutor) {
    this.registry = registry;
    this.basePath = basePath;
    this.prefix = basePath.equals("/") ? "/" : basePath + "/";
    this.details = details;
    this.tokenDigest = bearerToken == null ? null : sha256(bearerToken);
    this.responseExecutor = responseExecutor;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try {
      route(exchange);
    } catch (RuntimeException | IOException e) {
      log.warn("health request {} failed", exchange.getRequestURI().getRawPath(), e);
      exchange.close();
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    if (path == null || path.isEmpty()) {
      path = "/";
    }
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    boolean knownPath;
    HealthGroup group = null;
    if (path.equals(basePath)) {
      knownPath = true;
    } else if (path.startsWith(prefix) && path.length() > prefix.length()) {
      group = group(path.substring(prefix.length()));
      knownPath = group != null;
    } else {
      knownPath = false;
    }
    if (!knownPath) {
      sendError(exchange, 404, "not found");
      return;
    }
    String method = exchange.getRequestMethod();
    boolean head = method.equals("HEAD");
    if (!head && !method.equals("GET")) {
      exchange.getResponseHeaders().set("Allow", "GET, HEAD");
      sendError(exchange, 405, "method not allowed");
      return;
    }
    boolean text = wantsText(exchange);
    boolean showDetails = showDetails(exchange);
    CompletableFuture<HealthReport> pending;
    try {
      pending = registry.checkAsync(group);
    } catch (IllegalStateException closed) {
      sendError(exchange, 503, "health registry is closed");
      return;
    }
    pending.whenCompleteAsync(
        (report, failure) -> {
          try {
            if (failure != null) {
              log.warn("health check failed unexpectedly", failure);
              sendError(exchange, 503, "health check failed");
            } else {
              sendReport(exchange, report, text, showDetails, head);
            }
          } catch (IOException | RuntimeException e) {
            log.debug("could not write health response", e);
            exchange.close();
          }
        },
        responseExecutor);
  }

  private @Nullable HealthGroup group(String segment) {
    switch (segment) {
      case "live":
        return HealthGroup.LIVENESS;
      case "ready":
        return HealthGroup.READINESS;
      case "started":
        return HealthGroup.STARTUP;
      default:
        break;
    }
    HealthGroup custom;
    try {
      custom = HealthGroup.of(segment);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (custom.equals(HealthGroup.LIVENESS)
        || custom.equals(HealthGroup.READINESS)
        || custom.equals(HealthGroup.STARTUP)) {
      return null; // built-in groups are served under live, ready and started only
    }
    return registry.hasGroup(custom) ? custom : null;
  }

  private static boolean wantsText(HttpExchange exchange) {
    String query = exchange.getRequestURI().getRawQuery();
    if (query != null) {
      for (String param : query.split("&")) {
        if (param.equals("format=text")) {
          return true;
        }
        if (param.equals("format=json")) {
          return false;
        }
      }
    }
    String accept = exchange.getRequestHeaders().getFirst("Accept");
    if (accept == null) {
      return false;
    }
    String a = accept.toLowerCase(Locale.ROOT);
    return a.contains("text/plain") && !a.contains("application/json");
  }

  private boolean showDetails(HttpExchange exchange) {
    switch (details) {
      case ALWAYS:
        return true;
      case NEVER:
        return false;
      default:
        break;
    }
    String auth = exchange.getRequestHeaders().getFirst("Authorization");
    if (auth == null
        || tokenDigest == null
        || auth.length() <= BEARER.length()
        || !auth.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return false;
    }
    byte[] given = auth.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
    // Comparing fixed-length digests in constant time leaks neither content nor length.
    return MessageDigest.isEqual(sha256(given), tokenDigest);
  }

  private static void sendReport(
      HttpExchange exchange, HealthReport report, boolean text, boolean details, boolean head)
      throws IOException {
    String body = text ? report.toText(details) : report.toJson(details);
    send(exchange, report.status().isServing() ? 200 : 503, text ? TEXT : JSON, body, head);
  }

  private static void sendError(HttpExchange exchange, int code, String message)
      throws IOException {
    boolean head = exchange.getRequestMethod().equals("HEAD");
    StringBuilder body = new StringBuilder("{\"error\":");
    JsonReportWriter.string(body, message);
    send(exchange, code, JSON, body.append('}').toString(), head);
  }

  private static void send(
      HttpExchange exchange, int code, String contentType, String body, boolean head)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    if (head) {
      exchange.sendResponseHeaders(code, -1);
      exchange.close();
      return;
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
