package dev.strata.lb;

import dev.strata.lb.internal.Member;
import dev.strata.lb.internal.OptionalSlf4jLogger;
import dev.strata.lb.internal.PoolSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The live set of endpoints a {@link LoadBalancer} chooses from, with a health state per endpoint.
 *
 * <p>Thread-safe. Mutations ({@link #add}, {@link #remove}, {@link #setWeight}, {@link
 * #setHealthy}) are serialised; each membership or weight change publishes a new immutable snapshot
 * (copy-on-write), so selections running on other threads see either the old or the new membership,
 * never a mixture, and never take a lock. Health changes do not copy anything: they flip a flag
 * that selectors read.
 *
 * <p>New endpoints start healthy. Health is set by an active checker (the health module) or by the
 * user; passive outlier ejection by a load balancer is separate and does not change it.
 */
public final class EndpointPool {

  private static final OptionalSlf4jLogger LOG = new OptionalSlf4jLogger(EndpointPool.class);

  private final Ticker ticker;
  private final Object lock = new Object();
  private final CopyOnWriteArrayList<PoolListener> listeners = new CopyOnWriteArrayList<>();
  private volatile PoolSnapshot snapshot = PoolSnapshot.EMPTY;

  private EndpointPool(Ticker ticker) {
    this.ticker = ticker;
  }

  /**
   * Creates an empty pool on the system ticker.
   *
   * @return a new pool
   */
  public static EndpointPool create() {
    return new EndpointPool(Ticker.system());
  }

  /**
   * Creates an empty pool that takes time (for slow start, ejections and latency decay) from the
   * given ticker; load balancers over this pool use the same ticker.
   *
   * @param ticker the time source, not null
   * @return a new pool
   */
  public static EndpointPool create(Ticker ticker) {
    return new EndpointPool(Objects.requireNonNull(ticker, "ticker must not be null"));
  }

  /**
   * Creates a pool holding the given endpoints.
   *
   * @param endpoints the initial members, distinct ids
   * @return a new pool on the system ticker
   * @throws IllegalArgumentException if two endpoints share an id
   */
  public static EndpointPool of(Endpoint... endpoints) {
    EndpointPool pool = create();
    for (Endpoint endpoint : endpoints) {
      pool.add(endpoint);
    }
    return pool;
  }

  /**
   * Adds an endpoint. Listeners are told before this method returns.
   *
   * @param endpoint the new member, not null
   * @throws IllegalArgumentException if an endpoint with the same id is already in the pool
   */
  public void add(Endpoint endpoint) {
    Objects.requireNonNull(endpoint, "endpoint must not be null");
    synchronized (lock) {
      PoolSnapshot current = snapshot;
      if (current.byId().containsKey(endpoint.id())) {
        throw new IllegalArgumentException(
            "endpoint id '"
                + endpoint.id()
                + "' is already in the pool; use setWeight to change it");
      }
      Member[] members = Arrays.copyOf(current.members(), current.members().length + 1);
      members[members.length - 1] = new Member(endpoint, ticker.read());
      publish(members);
      for (PoolListener listener : listeners) {
        try {
          listener.endpointAdded(endpoint);
        } catch (RuntimeException e) {
          LOG.warn("pool listener {} failed on endpointAdded({})", listener, endpoint.id(), e);
        }
      }
    }
  }

  /**
   * Removes the endpoint with the given id. Requests already sent to it may still be completed on a
   * load balancer; their outcome is then ignored.
   *
   * @param endpointId the id, not null
   * @return whether an endpoint was removed ({@code false} if the id was unknown)
   */
  public boolean remove(String endpointId) {
    Objects.requireNonNull(endpointId, "endpointId must not be null");
    synchronized (lock) {
      PoolSnapshot current = snapshot;
      Member gone = current.byId().get(endpointId);
      if (gone == null) {
        return false;
      }
      Member[] members = new Member[current.members().length - 1];
      int i = 0;
      for (Member member : current.members()) {
        if (member != gone) {
          members[i++] = member;
        }
      }
      publish(members);
      Endpoint endpoint = gone.endpoint();
      for (PoolListener listener : listeners) {
        try {
          listener.endpointRemoved(endpoint);
        } catch (RuntimeException e) {
          LOG.warn("pool listener {} failed on endpointRemoved({})", listener, endpointId, e);
        }
      }
      return true;
    }
  }

  /**
   * Changes the weight of a member while selections continue; weighted selectors use the new weight
   * from their next pick. Statistics (in-flight, latency) are kept.
   *
   * @param endpointId the id, not null
   * @param weight the new weight, 1 to {@link Endpoint#MAX_WEIGHT}
   * @throws IllegalArgumentException if the id is unknown or the weight out of range
   */
  public void setWeight(String endpointId, int weight) {
    Objects.requireNonNull(endpointId, "endpointId must not be null");
    synchronized (lock) {
      Member member = snapshot.byId().get(endpointId);
      if (member == null) {
        throw new IllegalArgumentException("no endpoint with id '" + endpointId + "' in the pool");
      }
      Endpoint previous = member.endpoint();
      Endpoint current = previous.withWeight(weight);
      if (current == previous) {
        return;
      }
      member.endpoint(current);
      publish(snapshot.members().clone());
      for (PoolListener listener : listeners) {
        try {
          listener.endpointUpdated(previous, current);
        } catch (RuntimeException e) {
          LOG.warn("pool listener {} failed on endpointUpdated({})", listener, endpointId, e);
        }
      }
    }
  }

  /**
   * Sets the health state of a member. An unhealthy member receives no traffic (unless the load
   * balancer is in panic mode); a member turning healthy again starts its slow-start window.
   *
   * <p>An unknown id is a no-op (logged at debug level): an active checker may report on an
   * endpoint that was removed while it was being probed, and that must not fail the checker.
   *
   * @param endpointId the id, not null
   * @param healthy the new state
   */
  public void setHealthy(String endpointId, boolean healthy) {
    Objects.requireNonNull(endpointId, "endpointId must not be null");
    synchronized (lock) {
      Member member = snapshot.byId().get(endpointId);
      if (member == null) {
        LOG.debug("ignoring health {} for unknown endpoint '{}'", healthy, endpointId);
        return;
      }
      if (!member.healthy(healthy, ticker.read())) {
        return;
      }
      snapshot = snapshot.nextVersion();
      Endpoint endpoint = member.endpoint();
      for (PoolListener listener : listeners) {
        try {
          listener.healthChanged(endpoint, healthy);
        } catch (RuntimeException e) {
          LOG.warn("pool listener {} failed on healthChanged({})", listener, endpointId, e);
        }
      }
    }
  }

  /**
   * Starts draining a member, for example before its server is stopped: load balancers over this
   * pool pick it no more (not even in panic mode), while requests already sent to it complete. It
   * is removed from the pool (listeners see {@code endpointRemoved}) as soon as its in-flight count
   * is 0 (at once if it is already 0, else on the completion that brings it there) or, at the
   * latest, on the first selection or completion after {@code timeout}. Draining an endpoint that
   * is already draining keeps its first deadline.
   *
   * <p>In-flight counts are kept by load balancers whose selector counts them or that were built
   * with {@link LoadBalancer.Builder#countInFlight(boolean)}; with others the count is 0 and the
   * endpoint leaves at once.
   *
   * @param endpointId the id, not null
   * @param timeout how long to wait for in-flight requests at most, not negative, not null
   * @return whether the endpoint was in the pool
   * @throws IllegalArgumentException if the timeout is negative
   */
  public boolean drain(String endpointId, Duration timeout) {
    Objects.requireNonNull(endpointId, "endpointId must not be null");
    Objects.requireNonNull(timeout, "timeout must not be null");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative but was " + timeout);
    }
    synchronized (lock) {
      Member member = snapshot.byId().get(endpointId);
      if (member == null) {
        return false;
      }
      long now = ticker.read();
      long nanos = timeout.compareTo(MAX_DRAIN) > 0 ? MAX_DRAIN.toNanos() : timeout.toNanos();
      if (member.startDraining(now + nanos)) {
        LOG.info(
            "draining endpoint {} ({} in flight, at most {} ms)",
            endpointId,
            member.inFlight(),
            nanos / 1_000_000);
        snapshot = snapshot.nextVersion();
      }
      finishDrainingIfDone(member, now);
      return true;
    }
  }

  private static final Duration MAX_DRAIN = Duration.ofDays(365);

  /**
   * Returns whether a member is draining.
   *
   * @param endpointId the id, not null
   * @return whether it is in the pool and draining
   */
  public boolean isDraining(String endpointId) {
    Member member =
        snapshot.byId().get(Objects.requireNonNull(endpointId, "endpointId must not be null"));
    return member != null && member.draining();
  }

  /** Removes a draining member once it has nothing in flight or its deadline passed. */
  void finishDrainingIfDone(Member member, long nowNanos) {
    synchronized (lock) {
      String id = member.endpoint().id();
      if (snapshot.byId().get(id) != member || !member.draining()) {
        return;
      }
      long inFlight = member.inFlight();
      if (inFlight == 0) {
        LOG.info("endpoint {} drained", id);
      } else if (nowNanos - member.drainDeadlineNanos() >= 0) {
        LOG.warn(
            "endpoint {} leaves the pool at its drain deadline with {} in flight", id, inFlight);
      } else {
        return;
      }
      remove(id);
    }
  }

  /**
   * Returns the health state of a member.
   *
   * @param endpointId the id, not null
   * @return the state; {@code false} for an unknown id
   */
  public boolean isHealthy(String endpointId) {
    Member member =
        snapshot.byId().get(Objects.requireNonNull(endpointId, "endpointId must not be null"));
    return member != null && member.healthy();
  }

  /**
   * Returns whether an endpoint with this id is a member.
   *
   * @param endpointId the id, not null
   * @return whether it is in the pool
   */
  public boolean contains(String endpointId) {
    return snapshot
        .byId()
        .containsKey(Objects.requireNonNull(endpointId, "endpointId must not be null"));
  }

  /**
   * Returns the member with this id.
   *
   * @param endpointId the id, not null
   * @return the endpoint, or null if unknown
   */
  public @org.jspecify.annotations.Nullable Endpoint endpoint(String endpointId) {
    Member member =
        snapshot.byId().get(Objects.requireNonNull(endpointId, "endpointId must not be null"));
    return member == null ? null : member.endpoint();
  }

  /**
   * Returns a snapshot of all members, healthy or not, in the order they were added.
   *
   * @return an unmodifiable list, never null; later changes to the pool do not show in it
   */
  public List<Endpoint> endpoints() {
    Member[] members = snapshot.members();
    List<Endpoint> list = new ArrayList<>(members.length);
    for (Member member : members) {
      list.add(member.endpoint());
    }
    return Collections.unmodifiableList(list);
  }

  /**
   * Returns the number of members.
   *
   * @return the size
   */
  public int size() {
    return snapshot.members().length;
  }

  /**
   * Registers a listener for membership and health changes. It is not told about the current
   * members; read {@link #endpoints()} after registering for those.
   *
   * @param listener the listener, not null
   * @return a subscription whose {@code close()} unregisters the listener
   */
  public Subscription addListener(PoolListener listener) {
    Objects.requireNonNull(listener, "listener must not be null");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** Returns the ticker of this pool. */
  Ticker ticker() {
    return ticker;
  }

  /** Returns the current snapshot, read by load balancers on every selection. */
  PoolSnapshot snapshot() {
    return snapshot;
  }

  /** Marks that availability changed (an ejection), so load balancers recount. */
  void availabilityChanged() {
    synchronized (lock) {
      snapshot = snapshot.nextVersion();
    }
  }

  private void publish(Member[] members) {
    Map<String, Member> byId = new HashMap<>(members.length * 2);
    for (Member member : members) {
      byId.put(member.endpoint().id(), member);
    }
    snapshot = new PoolSnapshot(members, Collections.unmodifiableMap(byId), snapshot.version() + 1);
  }
}
