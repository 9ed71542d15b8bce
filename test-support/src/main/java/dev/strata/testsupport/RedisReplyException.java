package dev.strata.testsupport;

/**
 * Thrown when a Redis server answers an administrative command with an error reply (for example
 * {@code ERR unknown command} or {@code MOVED 3999 127.0.0.1:7001}). The message is the server's
 * error text, unchanged.
 */
public final class RedisReplyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message the error reply as sent by the server, without the leading {@code -}
   */
  public RedisReplyException(String message) {
    super(message);
  }
}
