package dev.strata.demo.report;

import org.jspecify.annotations.Nullable;

/**
 * One client request as the front balancer saw it, reduced to what the report needs.
 *
 * @param startEpochMillis when the front received the request
 * @param instance the instance that answered, or {@code null} when none did
 * @param status the HTTP status the client got
 * @param latencyNanos the time through the front
 * @param retried whether the front tried more than one instance
 */
public record RequestSample(
    long startEpochMillis,
    @Nullable String instance,
    int status,
    long latencyNanos,
    boolean retried) {

  /** Returns whether the client got a failure status (5xx). */
  public boolean failed() {
    return status >= 500;
  }
}
