package dev.strata.cache;

/**
 * Thrown by a write-through cache when its {@link CacheWriter} failed with a checked exception,
 * which is available as the cause. Unchecked exceptions of a writer reach the caller unwrapped.
 */
public class CacheWriteException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception for a failed write.
   *
   * @param message what failed, naming the cache
   * @param cause the writer's exception
   */
  public CacheWriteException(String message, Throwable cause) {
    super(message, cause);
  }
}
