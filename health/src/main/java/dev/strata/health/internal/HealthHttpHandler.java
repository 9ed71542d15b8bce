package dev.strata.health.internal;

import dev.strata.health.DetailsVisibility;
import dev.strata.health.HealthGroup;
import dev.strata.health.HealthRegistry;
import dev.strata.health.HealthReport;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes parsed health requests to the registry and formats the response once the checks complete,
 * on the response executor, so no thread waits for a check. Thread-safe.
 */
public final class HealthHttpHandler {

  private static final Logger LOG = LoggerFactory.getLogger(HealthHttpHandler.class);

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

  /**
   * Handles one request; {@code reply} is called exactly once with the complete response, on the
   * calling thread or later on the response executor.
   *
   * @param request the parsed request head
   * @param reply receives the response bytes
   */
  public void handle(HttpRequestHead request, Consumer<byte[]> reply) {
    try {
      route(request, reply);
    } catch (RuntimeException e) {
      LOG.warn("health request {} failed", request.rawPath(), e);
      reply.accept(HttpResponseBytes.error(503, "health check failed", null, false));
    }
  }

  private void route(HttpRequestHead request, Consumer<byte[]> reply) {
    String path = request.rawPath();
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
    String method = request.method();
    boolean head = method.equals("HEAD");
    if (!knownPath) {
      reply.accept(HttpResponseBytes.error(404, "not found", null, head));
      return;
    }
    if (!head && !method.equals("GET")) {
      reply.accept(HttpResponseBytes.error(405, "method not allowed", "GET, HEAD", false));
      return;
    }
    boolean text = wantsText(request);
    boolean showDetails = showDetails(request);
    CompletableFuture<HealthReport> pending;
    try {
      pending = registry.checkAsync(group);
    } catch (IllegalStateException closed) {
      reply.accept(HttpResponseBytes.error(503, "health registry is closed", null, head));
      return;
    }
    try {
      pending.whenCompleteAsync(
          (report, failure) -> reply.accept(response(report, failure, text, showDetails, head)),
          responseExecutor);
    } catch (RejectedExecutionException busy) {
      // the response executor is saturated or stopping: answer on the completing thread
      pending.whenComplete(
          (report, failure) -> reply.accept(response(report, failure, text, showDetails, head)));
    }
  }

  private static byte[] response(
      @Nullable HealthReport report,
      @Nullable Throwable failure,
      boolean text,
      boolean details,
      boolean head) {
    if (failure != null || report == null) {
      LOG.warn("health check failed unexpectedly", failure);
      return HttpResponseBytes.error(503, "health check failed", null, head);
    }
    String body = text ? report.toText(details) : report.toJson(details);
    return HttpResponseBytes.format(
        report.status().isServing() ? 200 : 503,
        text ? TEXT : JSON,
        null,
        body.getBytes(StandardCharsets.UTF_8),
        head);
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

  private static boolean wantsText(HttpRequestHead request) {
    String query = request.rawQuery();
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
    String accept = request.header("accept");
    if (accept == null) {
      return false;
    }
    String a = accept.toLowerCase(Locale.ROOT);
    return a.contains("text/plain") && !a.contains("application/json");
  }

  private boolean showDetails(HttpRequestHead request) {
    switch (details) {
      case ALWAYS:
        return true;
      case NEVER:
        return false;
      default:
        break;
    }
    String auth = request.header("authorization");
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

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
