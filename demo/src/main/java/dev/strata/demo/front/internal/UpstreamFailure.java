package dev.strata.demo.front.internal;

import java.io.IOException;

/** An exchange with an endpoint that produced no response, with what went wrong. */
public final class UpstreamFailure extends Exception {

  private static final long serialVersionUID = 1L;

  /** How an exchange failed; decides whether a request may be retried elsewhere. */
  public enum Kind {
    /** No connection could be opened: the request never reached the endpoint. */
    CONNECT,
    /** The connection broke after the request was (perhaps) sent: it may have been processed. */
    RESET,
    /** No complete response within the upstream timeout. */
    TIMEOUT
  }

  private final Kind kind;

  /**
   * Creates a failure.
   *
   * @param kind what went wrong
   * @param message a description naming the endpoint
   * @param cause the I/O error
   */
  public UpstreamFailure(Kind kind, String message, IOException cause) {
    super(message, cause);
    this.kind = kind;
  }

  /**
   * Returns what went wrong.
   *
   * @return the kind
   */
  public Kind kind() {
    return kind;
  }
}
