package dev.strata.session;

/**
 * Thrown by an {@link AttributeCodec} when stored bytes cannot be turned back into a value. The
 * store catches it, reports and counts it, and drops the attribute from the session.
 */
public final class AttributeDecodingException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what could not be decoded (never the bytes themselves)
   * @param cause the underlying failure, or null
   */
  public AttributeDecodingException(
      String message, @org.jspecify.annotations.Nullable Throwable cause) {
    super(message, cause);
  }
}
