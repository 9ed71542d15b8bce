package dev.strata.lb;

/**
 * A registration that ends when closed, such as a {@link PoolListener} added to an {@link
 * EndpointPool}. Closing is idempotent and thread-safe and never throws.
 */
public interface Subscription extends AutoCloseable {

  /** Ends the registration; later calls do nothing. */
  @Override
  void close();
}
