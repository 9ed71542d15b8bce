package dev.strata.cache;

/**
 * Thrown by a cache when its {@link CacheLoader} failed with a checked exception, which is
 * available as the cause. Unchecked exceptions of a loader reach the caller unwrapped.
 */
public class CacheLoadException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception for a failed load.
   *
   * @param message what failed, naming the cache and (where safe) the key
   * @param cause the loader's exception
   */
  public CacheLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
