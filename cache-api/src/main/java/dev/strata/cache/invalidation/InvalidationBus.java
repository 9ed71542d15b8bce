package dev.strata.cache.invalidation;

/**
 * Carries {@link InvalidationEvent}s between the caches of one process or of many processes, so
 * that a write on one node drops stale copies on every other node.
 *
 * <p>Delivery is at most once and asynchronous: a subscriber that was away (for example while a
 * connection was down) may miss events, and is told so through {@link Subscriber#onGap()} so that
 * it can drop everything it holds. A bus never delivers an event to subscribers in the process that
 * published it if the event's origin is this bus's {@link #nodeId()}: a node ignores its own echo.
 *
 * <p>Implementations are thread-safe. Subscribers are called from the bus's own thread(s) and must
 * not block.
 */
public interface InvalidationBus extends AutoCloseable {

  /**
   * Receives the events of one cache. A functional interface: {@code bus.subscribe("users", event
   * -> ...)} subscribes a lambda that handles events and ignores gaps.
   */
  @FunctionalInterface
  interface Subscriber {
    /**
     * Called for each event of another node for the subscribed cache.
     *
     * @param event the event
     */
    void onEvent(InvalidationEvent event);

    /**
     * Called when events may have been missed (for example after a reconnect); a subscriber that
     * holds copies of entries should drop them all. The default does nothing.
     */
    default void onGap() {}
  }

  /** A subscription; {@link #close() closing} it stops delivery. */
  interface Subscription extends AutoCloseable {
    /** Stops delivery to the subscriber; idempotent. */
    @Override
    void close();
  }

  /**
   * Returns the id of this node, put into events this bus publishes.
   *
   * @return a non-empty id, unique per bus instance
   */
  String nodeId();

  /**
   * Publishes an event to the subscribers of its cache on every other node. Returns without waiting
   * for delivery.
   *
   * @param event the event; its origin should be {@link #nodeId()}
   * @throws NullPointerException if {@code event} is null
   */
  void publish(InvalidationEvent event);

  /**
   * Subscribes to the events of one cache.
   *
   * @param cacheName the cache's name
   * @param subscriber receives events whose origin is another node
   * @return the subscription
   * @throws NullPointerException if an argument is null
   */
  Subscription subscribe(String cacheName, Subscriber subscriber);

  /** Stops the bus and every subscription; idempotent. */
  @Override
  void close();
}
