package dev.strata.demo.front;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the front did with one client request, reported to the {@linkplain
 * FrontBalancer.Builder#listener listener} once the request is done.
 *
 * @param startEpochMillis when the request arrived, in milliseconds since the epoch
 * @param method the HTTP method, e.g. {@code GET}
 * @param path the request path without the query string
 * @param endpointId the endpoint whose answer the client got, or null when none answered (the front
 *     answered 413, 502 or 503 itself)
 * @param attemptedEndpointIds the endpoints the request was sent to, in order, each at most once;
 *     empty when it was sent nowhere
 * @param status the status the client got (499 when it went away before its request was read)
 * @param latencyNanos time from arrival until the response was written
 * @param retried whether the request was sent to more than one endpoint
 */
public record RequestRecord(
    long startEpochMillis,
    String method,
    String path,
    @Nullable String endpointId,
    List<String> attemptedEndpointIds,
    int status,
    long latencyNanos,
    boolean retried) {

  /**
   * Validates and copies the attempted endpoint ids.
   *
   * @throws NullPointerException if method, path or the attempted ids are null
   */
  public RequestRecord {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    attemptedEndpointIds = List.copyOf(attemptedEndpointIds);
  }
}
