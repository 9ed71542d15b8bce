package dev.strata.session;

/**
 * Thrown when the session store cannot be reached or does not answer within the command timeout.
 * The operation that failed wrote nothing (every write is one atomic command).
 */
public final class SessionStoreUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was attempted
   * @param cause the underlying failure
   */
  public SessionStoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
