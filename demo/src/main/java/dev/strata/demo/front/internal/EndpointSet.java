package dev.strata.demo.front.internal;

import dev.strata.demo.front.FrontEndpointView;
import dev.strata.health.active.ActiveHealthChecker;
import dev.strata.health.active.EndpointProbe;
import dev.strata.lb.Endpoint;
import dev.strata.lb.EndpointPool;
import dev.strata.lb.EndpointStatus;
import dev.strata.lb.LoadBalancer;
import dev.strata.lb.NoEndpointAvailableException;
import dev.strata.lb.OutlierEjection;
import dev.strata.lb.PoolListener;
import dev.strata.lb.RequestContext;
import dev.strata.lb.Selectors;
import dev.strata.lb.SlowStart;
import dev.strata.lb.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front's endpoints: an {@link EndpointPool} with a power-of-two-choices least-request {@link
 * LoadBalancer} (slow start, outlier ejection, no panic mode), an {@link ActiveHealthChecker} on
 * the readiness path, and per-endpoint in-flight and served counters that outlive the endpoint's
 * membership in the pool.
 *
 * <p>Membership rules: endpoints given at build time start up; endpoints added later and undrained
 * ones start down and join after {@code rise} good probes. A drained endpoint leaves the pool once
 * its requests are done (so it is not probed while its instance is replaced). An endpoint that
 * comes back up after being down rejoins with fresh statistics: otherwise the failures it had when
 * it died would keep its failure score (and an ejection) for many seconds after it recovered.
 *
 * <p>Thread-safe; membership changes are serialised.
 */
public final class EndpointSet implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EndpointSet.class);
  private static final int SELECT_TRIES = 8;

  /** How the endpoints are checked and balanced. */
  public record Settings(
      String healthPath,
      Duration probeInterval,
      Duration probeTimeout,
      int fall,
      int rise,
      Duration slowStart,
      int outlierEjection,
      Duration ejectionTime,
      Duration drainTimeout) {}

  private final EndpointPool pool = EndpointPool.create();
  private final LoadBalancer balancer;
  private final ActiveHealthChecker checker;
  private final UpstreamClient client;
  private final Duration drainTimeout;
  private final Map<String, Counters> counters = new ConcurrentHashMap<>();
  private final List<Counters> order = new CopyOnWriteArrayList<>();
  private final Set<String> joinDown = ConcurrentHashMap.newKeySet();
  private final Object membership = new Object();
  private final ExecutorService maintenance =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "strata-front-membership");
            t.setDaemon(true);
            return t;
          });
  private final Subscription subscription;

  /**
   * Builds the set with its initial endpoints (up); nothing is probed before {@link #start()}.
   *
   * @param initial the endpoints, distinct ids
   * @param settings checking and balancing settings
   * @param client the upstream client, whose idle connections to a down endpoint are closed
   */
  public EndpointSet(List<Endpoint> initial, Settings settings, UpstreamClient client) {
    this.client = client;
    this.drainTimeout = settings.drainTimeout();
    for (Endpoint endpoint : initial) {
      register(endpoint);
      pool.add(endpoint);
    }
    LoadBalancer.Builder lb =
        LoadBalancer.builder(pool).selector(Selectors.powerOfTwoChoices()).panicThresholdPercent(0);
    if (!settings.slowStart().isZero()) {
      lb.slowStart(SlowStart.of(settings.slowStart()));
    }
    if (settings.outlierEjection() > 0) {
      lb.outlierEjection(
          OutlierEjection.builder()
              .consecutiveFailures(settings.outlierEjection())
              .baseEjectionTime(settings.ejectionTime())
              .maxEjectionTime(settings.ejectionTime().multipliedBy(6))
              .build());
    }
    this.balancer = lb.build();
    this.subscription = pool.addListener(new Follower());
    this.checker =
        ActiveHealthChecker.builder(pool)
            .probe(EndpointProbe.http(settings.healthPath()))
            .interval(settings.probeInterval())
            .timeout(settings.probeTimeout())
            .fall(settings.fall())
            .rise(settings.rise())
            .build();
  }

  /** Starts the active health checks. */
  public void start() {
    checker.start();
  }

  /**
   * Adds an endpoint that joins once {@code rise} probes succeeded.
   *
   * @param endpoint the endpoint
   * @throws IllegalArgumentException if its id is taken
   */
  public void add(Endpoint endpoint) {
    synchronized (membership) {
      register(endpoint);
      joinDown.add(endpoint.id());
      pool.add(endpoint);
    }
  }

  private void register(Endpoint endpoint) {
    Counters fresh = new Counters(endpoint);
    if (counters.putIfAbsent(endpoint.id(), fresh) != null) {
      throw new IllegalArgumentException("endpoint id '" + endpoint.id() + "' is already used");
    }
    order.add(fresh);
  }

  /**
   * Takes an endpoint out of selection; it leaves the pool when its requests are done.
   *
   * @param id the endpoint id
   * @throws IllegalArgumentException if the id is unknown
   */
  public void drain(String id) {
    Counters c = require(id);
    synchronized (membership) {
      c.draining = true;
      pool.drain(id, drainTimeout);
    }
    client.closeIdle(id);
  }

  /**
   * Puts a drained endpoint back; it is selected again after {@code rise} good probes.
   *
   * @param id the endpoint id
   * @throws IllegalArgumentException if the id is unknown
   */
  public void undrain(String id) {
    Counters c = require(id);
    synchronized (membership) {
      if (!c.draining) {
        return;
      }
      c.draining = false;
      pool.remove(id); // a no-op when it already left
      joinDown.add(id);
      pool.add(c.endpoint);
    }
  }

  /**
   * Picks an endpoint for one attempt of a request, never one it was already sent to.
   *
   * @param attempted ids of the endpoints this request was sent to
   * @return the endpoint, counted in flight; null when no other endpoint is available
   */
  public @Nullable Endpoint pick(List<String> attempted) {
    if (!attempted.isEmpty() && !anyAvailableBesides(attempted)) {
      return null;
    }
    for (int i = 0; i < SELECT_TRIES; i++) {
      Endpoint endpoint;
      try {
        endpoint = balancer.select(RequestContext.none());
      } catch (NoEndpointAvailableException e) {
        return null;
      }
      if (!attempted.contains(endpoint.id())) {
        require(endpoint.id()).inFlight.incrementAndGet();
        return endpoint;
      }
      // A selection cannot be cancelled: complete it as the failure this endpoint just was.
      balancer.complete(endpoint, 0, false);
    }
    return null;
  }

  private boolean anyAvailableBesides(List<String> attempted) {
    for (EndpointStatus status : balancer.status()) {
      String id = status.endpoint().id();
      if (status.healthy()
          && !status.ejected()
          && !pool.isDraining(id)
          && !attempted.contains(id)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Reports the end of one attempt.
   *
   * @param endpoint the endpoint {@link #pick} returned
   * @param latencyNanos how long the attempt took
   * @param success whether it counts as a success for balancing and ejection
   * @param responded whether the endpoint answered with a response
   */
  public void complete(Endpoint endpoint, long latencyNanos, boolean success, boolean responded) {
    balancer.complete(endpoint, latencyNanos, success);
    Counters c = require(endpoint.id());
    c.inFlight.decrementAndGet();
    if (responded) {
      c.served.incrementAndGet();
    }
  }

  /**
   * Returns whether an endpoint with this id was ever added.
   *
   * @param id the id
   * @return whether it is known
   */
  public boolean contains(String id) {
    return counters.containsKey(id);
  }

  /**
   * Returns the requests in flight to an endpoint.
   *
   * @param id the id
   * @return the count
   * @throws IllegalArgumentException if the id is unknown
   */
  public int inFlight(String id) {
    return require(id).inFlight.get();
  }

  /**
   * Returns every endpoint's state, in the order they were added.
   *
   * @return a new list
   */
  public List<FrontEndpointView> views() {
    List<FrontEndpointView> views = new ArrayList<>(order.size());
    for (Counters c : order) {
      String id = c.endpoint.id();
      Optional<EndpointStatus> status = balancer.status(id);
      views.add(
          new FrontEndpointView(
              id,
              c.endpoint.address().getHostString(),
              c.endpoint.address().getPort(),
              status.map(EndpointStatus::healthy).orElse(false),
              status.map(EndpointStatus::ejected).orElse(false),
              c.draining,
              c.inFlight.get(),
              c.served.get()));
    }
    return views;
  }

  @Override
  public void close() {
    checker.close();
    subscription.close();
    maintenance.shutdownNow();
  }

  private Counters require(String id) {
    Counters c = counters.get(id);
    if (c == null) {
      throw new IllegalArgumentException("no endpoint with id '" + id + "'");
    }
    return c;
  }

  /** Rejoins an endpoint that came back up with fresh statistics (see the class comment). */
  private void refresh(String id) {
    synchronized (membership) {
      Counters c = counters.get(id);
      if (c == null || c.draining || !pool.contains(id) || !pool.isHealthy(id)) {
        return;
      }
      Optional<EndpointStatus> status = balancer.status(id);
      if (status.isEmpty()
          || status.get().latencyEwmaNanos() == 0 && status.get().ejections() == 0) {
        return; // nothing learned about it yet
      }
      pool.remove(id);
      pool.add(c.endpoint);
      log.info("endpoint {} is back: rejoined with fresh statistics, slow start", id);
    }
  }

  /**
   * Keeps joining endpoints down, closes idle connections to lost ones, refreshes recovered ones.
   */
  private final class Follower implements PoolListener {
    @Override
    public void endpointAdded(Endpoint endpoint) {
      if (joinDown.remove(endpoint.id())) {
        pool.setHealthy(endpoint.id(), false); // before the checker starts following it
      }
    }

    @Override
    public void endpointRemoved(Endpoint endpoint) {
      client.closeIdle(endpoint.id());
    }

    @Override
    public void healthChanged(Endpoint endpoint, boolean healthy) {
      if (!healthy) {
        client.closeIdle(endpoint.id());
        return;
      }
      try {
        maintenance.execute(() -> refresh(endpoint.id()));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closing
      }
    }
  }

  /** An endpoint's definition, counters and drain flag; lives as long as the front. */
  private static final class Counters {
    final Endpoint endpoint;
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicLong served = new AtomicLong();
    volatile boolean draining;

    Counters(Endpoint endpoint) {
      this.endpoint = endpoint;
    }
  }
}
