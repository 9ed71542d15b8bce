package dev.strata.lb;

/**
 * Thrown by {@link LoadBalancer#select} when no endpoint may receive the request: the pool is
 * empty, or every endpoint is unhealthy or ejected and the panic threshold is 0.
 */
public final class NoEndpointAvailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was unavailable
   */
  public NoEndpointAvailableException(String message) {
    super(message);
  }
}
