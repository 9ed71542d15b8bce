package dev.strata.demo.front.internal;

/**
 * When a request may be sent to another endpoint: after a failed connect always (the request never
 * reached the endpoint); after a reset, a timeout or a 502/503 answer only for idempotent methods,
 * which may safely run twice.
 */
public final class RetryRules {

  private RetryRules() {}

  /**
   * Returns whether a method is idempotent: GET, HEAD, PUT, DELETE or OPTIONS.
   *
   * @param method the method as received
   * @return whether repeating it is safe
   */
  public static boolean idempotent(String method) {
    return switch (method) {
      case "GET", "HEAD", "PUT", "DELETE", "OPTIONS" -> true;
      default -> false;
    };
  }

  /**
   * Returns whether a failed attempt may be retried elsewhere.
   *
   * @param kind how it failed
   * @param idempotent whether the method is idempotent
   * @return whether to retry
   */
  public static boolean retryAfter(UpstreamFailure.Kind kind, boolean idempotent) {
    return kind == UpstreamFailure.Kind.CONNECT || idempotent;
  }

  /**
   * Returns whether an answer may be retried elsewhere.
   *
   * @param status the endpoint's status code
   * @param idempotent whether the method is idempotent
   * @return whether to retry
   */
  public static boolean retryAfter(int status, boolean idempotent) {
    return idempotent && (status == 502 || status == 503);
  }
}
