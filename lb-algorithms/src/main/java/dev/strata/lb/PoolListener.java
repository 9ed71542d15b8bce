package dev.strata.lb;

/**
 * Receives membership and health changes of an {@link EndpointPool}.
 *
 * <p>Callbacks run synchronously on the thread that made the change, after the change is visible,
 * in the order the changes were made (the pool serialises its mutations). They must be quick and
 * must not block. An exception thrown by a callback is logged and otherwise ignored: it neither
 * undoes the change nor stops other listeners. Every method has an empty default so a listener
 * implements only what it needs.
 */
public interface PoolListener {

  /**
   * Called after an endpoint joined the pool.
   *
   * @param endpoint the new member, never null
   */
  default void endpointAdded(Endpoint endpoint) {}

  /**
   * Called after an endpoint left the pool.
   *
   * @param endpoint the removed member, never null
   */
  default void endpointRemoved(Endpoint endpoint) {}

  /**
   * Called after a member was replaced by a new definition with the same id (for example a new
   * weight).
   *
   * @param previous the definition before the change, never null
   * @param current the definition now in the pool, never null
   */
  default void endpointUpdated(Endpoint previous, Endpoint current) {}

  /**
   * Called after the health state of a member changed (not when it was set to the value it already
   * had).
   *
   * @param endpoint the member, never null
   * @param healthy the new state
   */
  default void healthChanged(Endpoint endpoint, boolean healthy) {}
}
