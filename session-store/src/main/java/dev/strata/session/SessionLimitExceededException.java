package dev.strata.session;

/**
 * Thrown when an attribute value or the whole session would exceed the size limits configured on
 * the store. The session is left as it was.
 */
public final class SessionLimitExceededException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which limit, its value and the size that exceeded it
   */
  public SessionLimitExceededException(String message) {
    super(message);
  }
}
