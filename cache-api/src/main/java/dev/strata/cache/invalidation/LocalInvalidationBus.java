package dev.strata.cache.invalidation;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link InvalidationBus} inside one JVM: several nodes (for example the caches of several
 * simulated servers in a test, or of several class loaders) joined to one network, each with its
 * own node id. An event published on one node reaches the subscribers of its cache on every other
 * node of the network, never on the node whose id is the event's origin.
 *
 * <pre>{@code
 * LocalInvalidationBus nodeA = LocalInvalidationBus.create("a");
 * LocalInvalidationBus nodeB = nodeA.join("b");
 * nodeB.subscribe("users", event -> ...);
 * nodeA.publish(InvalidationEvent.keys("users", List.of("42"), nodeA.nodeId()));  // reaches b
 * }</pre>
 *
 * <p>Delivery is asynchronous and in publication order per receiving node, on one daemon thread per
 * node; no event is lost while both nodes are open, so {@link Subscriber#onGap()} is never called.
 * A subscriber that throws is logged and does not stop delivery to the others. Thread-safe.
 */
public final class LocalInvalidationBus implements InvalidationBus {

  private static final Logger LOG = LoggerFactory.getLogger(LocalInvalidationBus.class);

  private final Map<String, LocalInvalidationBus> network;
  private final String nodeId;
  private final Map<String, List<Subscriber>> subscribers = new ConcurrentHashMap<>();
  private final ExecutorService delivery;
  private volatile boolean closed;

  private LocalInvalidationBus(Map<String, LocalInvalidationBus> network, String nodeId) {
    Objects.requireNonNull(nodeId, "nodeId must not be null");
    if (nodeId.isBlank()) {
      throw new IllegalArgumentException("nodeId must not be blank");
    }
    this.network = network;
    this.nodeId = nodeId;
    this.delivery =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, "strata-invalidation-" + nodeId);
              thread.setDaemon(true);
              return thread;
            });
    if (network.putIfAbsent(nodeId, this) != null) {
      delivery.shutdown();
      throw new IllegalArgumentException("nodeId '" + nodeId + "' is already on this network");
    }
  }

  /**
   * Creates the first node of a new network.
   *
   * @param nodeId this node's id; not blank
   * @return the node
   * @throws IllegalArgumentException if {@code nodeId} is blank
   */
  public static LocalInvalidationBus create(String nodeId) {
    return new LocalInvalidationBus(new ConcurrentHashMap<>(), nodeId);
  }

  /**
   * Creates the first node of a new network with a random id.
   *
   * @return the node
   */
  public static LocalInvalidationBus create() {
    return create(UUID.randomUUID().toString());
  }

  /**
   * Adds another node to this node's network.
   *
   * @param nodeId the new node's id; not blank, not in use on this network
   * @return the new node
   * @throws IllegalArgumentException if {@code nodeId} is blank or already in use
   */
  public LocalInvalidationBus join(String nodeId) {
    return new LocalInvalidationBus(network, nodeId);
  }

  @Override
  public String nodeId() {
    return nodeId;
  }

  /**
   * Delivers {@code event} to the subscribers of its cache on every other open node of the network.
   *
   * @throws IllegalStateException if this node is closed
   */
  @Override
  public void publish(InvalidationEvent event) {
    Objects.requireNonNull(event, "event must not be null");
    if (closed) {
      throw new IllegalStateException("invalidation bus node '" + nodeId + "' is closed");
    }
    for (LocalInvalidationBus node : network.values()) {
      if (!node.nodeId.equals(event.originId())) {
        node.deliver(event);
      }
    }
  }

  @Override
  public Subscription subscribe(String cacheName, Subscriber subscriber) {
    Objects.requireNonNull(cacheName, "cacheName must not be null");
    Objects.requireNonNull(subscriber, "subscriber must not be null");
    if (closed) {
      throw new IllegalStateException("invalidation bus node '" + nodeId + "' is closed");
    }
    subscribers.computeIfAbsent(cacheName, name -> new CopyOnWriteArrayList<>()).add(subscriber);
    return () -> {
      List<Subscriber> list = subscribers.get(cacheName);
      if (list != null) {
        list.remove(subscriber);
      }
    };
  }

  /** Leaves the network, stops delivery and drops every subscription. Idempotent. */
  @Override
  public void close() {
    closed = true;
    network.remove(nodeId, this);
    subscribers.clear();
    delivery.shutdown();
  }

  private void deliver(InvalidationEvent event) {
    if (closed) {
      return;
    }
    try {
      delivery.execute(
          () -> {
            List<Subscriber> list = subscribers.get(event.cacheName());
            if (list == null) {
              return;
            }
            for (Subscriber subscriber : list) {
              try {
                subscriber.onEvent(event);
              } catch (RuntimeException e) {
                LOG.warn("invalidation subscriber of cache '{}' failed", event.cacheName(), e);
              }
            }
          });
    } catch (RejectedExecutionException e) {
      // closed concurrently: a closed node receives nothing
    }
  }

  @Override
  public String toString() {
    return "LocalInvalidationBus[" + nodeId + "]";
  }
}
