package dev.strata.health;

import dev.strata.health.internal.UriRedaction;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link HealthCheck} returns from one call: a status, details (for example a latency or
 * pool sizes) and, when something failed, an error message. It knows nothing of the check's name,
 * timing or criticality; the registry wraps it in a {@link CheckRun} for the {@link HealthReport}.
 *
 * <p>Immutable and thread-safe. Detail keys are non-null strings in insertion order; detail values
 * are rendered to JSON as strings, numbers, booleans, nested maps or lists (anything else is
 * rendered with {@code toString()}); a null detail value is rendered as JSON {@code null}.
 */
public final class CheckResult {

  private static final CheckResult UP = new CheckResult(HealthStatus.UP, Map.of(), null);

  private final HealthStatus status;
  private final Map<String, @Nullable Object> details;
  private final @Nullable String error;

  private CheckResult(
      HealthStatus status, Map<String, @Nullable Object> details, @Nullable String error) {
    this.status = status;
    this.details = details;
    this.error = error;
  }

  /**
   * Creates a result.
   *
   * @param status the status, not null
   * @param details details to report, copied; not null (may be empty), keys not null
   * @param error an error message, or null when there is none
   * @return the result
   * @throws NullPointerException if {@code status}, {@code details} or a detail key is null
   */
  public static CheckResult of(
      HealthStatus status,
      Map<String, ? extends @Nullable Object> details,
      @Nullable String error) {
    Objects.requireNonNull(status, "status must not be null");
    return new CheckResult(status, copy(details), error);
  }

  /**
   * An UP result without details.
   *
   * @return the shared UP result
   */
  public static CheckResult up() {
    return UP;
  }

  /**
   * An UP result with details.
   *
   * @param details details, copied; not null
   * @return the result
   */
  public static CheckResult up(Map<String, ? extends @Nullable Object> details) {
    return of(HealthStatus.UP, details, null);
  }

  /**
   * A DEGRADED result: still serving, something impaired.
   *
   * @param reason why, not null
   * @param details details, copied; not null
   * @return the result
   */
  public static CheckResult degraded(
      String reason, Map<String, ? extends @Nullable Object> details) {
    return of(
        HealthStatus.DEGRADED, details, Objects.requireNonNull(reason, "reason must not be null"));
  }

  /**
   * A DOWN result.
   *
   * @param error what failed, not null
   * @return the result
   */
  public static CheckResult down(String error) {
    return of(HealthStatus.DOWN, Map.of(), Objects.requireNonNull(error, "error must not be null"));
  }

  /**
   * A DOWN result with details.
   *
   * @param error what failed, not null
   * @param details details, copied; not null
   * @return the result
   */
  public static CheckResult down(String error, Map<String, ? extends @Nullable Object> details) {
    return of(HealthStatus.DOWN, details, Objects.requireNonNull(error, "error must not be null"));
  }

  /**
   * A DOWN result describing an exception: its class name and message (the cause of a {@link
   * ExecutionException} or {@link CompletionException} is described instead of the wrapper).
   *
   * @param failure the failure, not null
   * @return the result
   */
  public static CheckResult down(Throwable failure) {
    return down(describe(failure));
  }

  /**
   * Describes a failure as {@code "ClassName: message"} for error messages, unwrapping {@link
   * ExecutionException} and {@link CompletionException}. URIs and URLs in the message are shown
   * without user information, query values or fragment, so a password or token in a URI does not
   * reach a report or a log.
   *
   * @param failure the failure, not null
   * @return a one-line description
   */
  public static String describe(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof ExecutionException || t instanceof CompletionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    String message = t.getMessage();
    return message == null
        ? t.getClass().getName()
        : t.getClass().getName() + ": " + UriRedaction.redactIn(message);
  }

  /**
   * Returns a copy of this result with one more detail (replacing an existing one of that key).
   *
   * @param key the detail key, not null
   * @param value the value, may be null
   * @return a new result
   */
  public CheckResult withDetail(String key, @Nullable Object value) {
    Objects.requireNonNull(key, "key must not be null");
    Map<String, @Nullable Object> copy = new LinkedHashMap<>(details);
    copy.put(key, value);
    return new CheckResult(status, Collections.unmodifiableMap(copy), error);
  }

  /**
   * The status.
   *
   * @return the status, never null
   */
  public HealthStatus status() {
    return status;
  }

  /**
   * The details in insertion order.
   *
   * @return an unmodifiable map, never null
   */
  public Map<String, @Nullable Object> details() {
    return details;
  }

  /**
   * The error message.
   *
   * @return the message, or null when there is none
   */
  public @Nullable String error() {
    return error;
  }

  private static Map<String, @Nullable Object> copy(
      Map<String, ? extends @Nullable Object> details) {
    Objects.requireNonNull(details, "details must not be null");
    if (details.isEmpty()) {
      return Map.of();
    }
    Map<String, @Nullable Object> copy = new LinkedHashMap<>();
    details.forEach(
        (k, v) -> copy.put(Objects.requireNonNull(k, "details must not contain a null key"), v));
    return Collections.unmodifiableMap(copy);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof CheckResult r
        && status == r.status
        && details.equals(r.details)
        && Objects.equals(error, r.error);
  }

  @Override
  public int hashCode() {
    return Objects.hash(status, details, error);
  }

  @Override
  public String toString() {
    return "CheckResult{status="
        + status
        + (details.isEmpty() ? "" : ", details=" + details)
        + (error == null ? "" : ", error=" + error)
        + '}';
  }
}
