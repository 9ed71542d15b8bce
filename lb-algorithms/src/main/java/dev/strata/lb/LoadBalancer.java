package dev.strata.lb;

import dev.strata.lb.internal.AlgorithmSpec;
import dev.strata.lb.internal.Availability;
import dev.strata.lb.internal.Environment;
import dev.strata.lb.internal.Member;
import dev.strata.lb.internal.OptionalSlf4jLogger;
import dev.strata.lb.internal.PoolSnapshot;
import dev.strata.lb.internal.SeededRandom;
import dev.strata.lb.internal.SelectionAlgorithm;
import dev.strata.lb.internal.SlowStartRamp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Picks an endpoint of an {@link EndpointPool} for each request and learns from completed ones.
 *
 * <pre>{@code
 * LoadBalancer lb = LoadBalancer.builder(pool).selector(Selectors.peakEwma()).build();
 * Endpoint endpoint = lb.select(RequestContext.none());
 * long start = System.nanoTime();
 * boolean ok = call(endpoint);
 * lb.complete(endpoint, System.nanoTime() - start, ok);
 * }</pre>
 *
 * <p>Thread-safe. {@link #select} takes no lock and allocates nothing in steady state: it reads the
 * pool's current snapshot, rebuilding the selector's table only after a membership or weight
 * change. Unhealthy and ejected endpoints are skipped, unless fewer than the panic threshold of the
 * pool is available: then all endpoints are used, as Envoy does, rather than overloading the few.
 * Every selected request should be {@linkplain #complete completed} exactly once, success or not,
 * so in-flight counts stay right; completions feed latency estimates and outlier ejection.
 *
 * <p>A {@linkplain EndpointPool#drain draining} endpoint gets no new picks, not even in panic mode;
 * the completion that brings its in-flight count to 0, or the first selection after its deadline,
 * removes it from the pool. Selectors that do not count in-flight requests (round robin, random,
 * the hashing ones) see 0 at once, so there a draining endpoint leaves at the next selection or
 * completion; build with {@link Builder#countInFlight(boolean)} to count them anyway.
 */
public final class LoadBalancer {

  private static final OptionalSlf4jLogger LOG = new OptionalSlf4jLogger(LoadBalancer.class);

  private final EndpointPool pool;
  private final Ticker ticker;
  private final Selector selector;
  private final AlgorithmSpec spec;
  private final Engine<?> engine;
  private final Environment environment;
  private final OutlierEjection ejection;
  private final int panicThresholdPercent;
  private final @Nullable SlowStartRamp ramp;
  private final boolean tracksInFlight;
  private final boolean tracksTotalInFlight;
  private final boolean readsTime;
  private final long baseEjectionNanos;
  private final long maxEjectionNanos;
  private final Object ejectionLock = new Object();
  private volatile Availability availability =
      new Availability(Long.MIN_VALUE, 0, Long.MAX_VALUE, false, false, 0, 0, 0, false);

  private LoadBalancer(Builder builder) {
    this.pool = builder.pool;
    this.ticker = pool.ticker();
    this.selector = builder.selector;
    this.spec = selector.spec();
    this.ejection = builder.outlierEjection;
    this.panicThresholdPercent = builder.panicThresholdPercent;
    long start = ticker.read();
    SlowStart slowStart = builder.slowStart;
    this.ramp =
        slowStart.enabled()
            ? new SlowStartRamp(
                slowStart.window().toNanos(),
                slowStart.minWeightPercent() / 100.0,
                slowStart.aggression(),
                start)
            : null;
    this.environment =
        new Environment(
            new SeededRandom(builder.seed),
            ramp,
            new AtomicLong(),
            spec.decayNanos(),
            spec.failurePenaltyNanos());
    this.engine = new Engine<>(spec.factory().apply(environment));
    this.tracksInFlight = spec.tracksInFlight() || builder.countInFlight;
    this.tracksTotalInFlight = spec.tracksTotalInFlight();
    this.readsTime = spec.readsTime();
    this.baseEjectionNanos = ejection.baseEjectionTime().toNanos();
    this.maxEjectionNanos = ejection.maxEjectionTime().toNanos();
  }

  /**
   * Starts a builder for a load balancer over the pool: round robin, no outlier ejection, panic
   * threshold 50%, no slow start, a random seed, until set otherwise.
   *
   * @param pool the pool, not null; the load balancer uses its ticker
   * @return a new builder
   */
  public static Builder builder(EndpointPool pool) {
    return new Builder(Objects.requireNonNull(pool, "pool must not be null"));
  }

  /**
   * Picks an endpoint for a request without a hash key.
   *
   * @return the endpoint, never null
   * @throws NoEndpointAvailableException if no endpoint may be used
   * @throws IllegalArgumentException if the selector needs a hash key
   */
  public Endpoint select() {
    return select(RequestContext.none());
  }

  /**
   * Picks an endpoint for a request. Counts it in flight until {@link #complete} (for selectors
   * that use in-flight counts).
   *
   * @param context the request's context, not null
   * @return the endpoint, never null
   * @throws NoEndpointAvailableException if the pool is empty, or every endpoint is unhealthy or
   *     ejected and the panic threshold is 0
   * @throws IllegalArgumentException if the selector is a hashing one and the context has no key
   *     (for {@link Selectors#ipHash()}: no client address)
   */
  public Endpoint select(RequestContext context) {
    PoolSnapshot snapshot = pool.snapshot();
    long version = snapshot.version();
    Availability current = availability;
    long now =
        readsTime || current.validUntilNanos() != Long.MAX_VALUE
            ? ticker.read()
            : current.computedAtNanos();
    if (current.version() != version || now >= current.validUntilNanos()) {
      current = recompute(snapshot.members(), version);
      now = current.computedAtNanos();
    }
    Member member = engine.pick(snapshot, current, now, context);
    if (member == null) {
      throw new NoEndpointAvailableException(
          snapshot.members().length == 0
              ? "no endpoint available: the pool is empty"
              : "no endpoint available: all "
                  + snapshot.members().length
                  + " endpoints are unhealthy or ejected and the panic threshold is "
                  + panicThresholdPercent
                  + "%");
    }
    if (tracksInFlight) {
      member.incrementInFlight();
      if (tracksTotalInFlight) {
        environment.totalInFlight().incrementAndGet();
      }
    }
    return member.endpoint();
  }

  /**
   * Reports the outcome of a request sent to a selected endpoint. Updates its in-flight count,
   * latency and failure estimates, and its consecutive failures (which may eject it). A completion
   * for an endpoint no longer in the pool is ignored.
   *
   * @param endpoint the endpoint {@link #select} returned, not null
   * @param latencyNanos the request's latency in nanoseconds (negative counts as 0); for a timeout
   *     pass the time waited
   * @param success whether the request succeeded
   */
  public void complete(Endpoint endpoint, long latencyNanos, boolean success) {
    Member member = pool.snapshot().byId().get(endpoint.id());
    if (member == null) {
      return;
    }
    if (tracksInFlight) {
      member.decrementInFlight();
      if (tracksTotalInFlight) {
        environment.totalInFlight().decrementAndGet();
      }
    }
    long now = ticker.read();
    if (member.draining()) {
      pool.finishDrainingIfDone(member, now);
    }
    member.observe(now, latencyNanos, !success, spec.failurePenaltyNanos(), spec.decayNanos());
    if (!ejection.enabled()) {
      return;
    }
    if (success) {
      member.clearConsecutiveFailures();
      if (member.ejections() > 0) {
        member.forgiveEjections(now, maxEjectionNanos);
      }
    } else if (member.recordConsecutiveFailure() >= ejection.consecutiveFailures()) {
      tryEject(member, now);
    }
  }

  private void tryEject(Member member, long now) {
    synchronized (ejectionLock) {
      if (member.ejectedUntilNanos() > now) {
        return;
      }
      Member[] members = pool.snapshot().members();
      int ejected = 0;
      for (Member other : members) {
        if (other.ejectedUntilNanos() > now) {
          ejected++;
        }
      }
      int allowed = ejection.maxEjected(members.length);
      if (ejected >= allowed) {
        LOG.debug(
            "not ejecting {}: {} of {} endpoints already ejected (max {})",
            member,
            ejected,
            members.length,
            allowed);
        return;
      }
      int count = member.eject(now, baseEjectionNanos, maxEjectionNanos);
      pool.availabilityChanged();
      LOG.info(
          "ejected endpoint {} for {} ms after {} consecutive failures (ejection {})",
          member,
          (member.ejectedUntilNanos() - now) / 1_000_000,
          ejection.consecutiveFailures(),
          count);
    }
  }

  private Availability recompute(Member[] members, long version) {
    long now = ticker.read();
    int available = 0;
    int ejected = 0;
    int draining = 0;
    long validUntil = Long.MAX_VALUE;
    boolean ramping = false;
    for (Member member : members) {
      long until = member.ejectedUntilNanos();
      if (member.draining()) {
        draining++;
        if (member.inFlight() == 0 || now - member.drainDeadlineNanos() >= 0) {
          pool.finishDrainingIfDone(member, now);
        } else {
          validUntil = Math.min(validUntil, member.drainDeadlineNanos());
        }
      } else if (until > now) {
        ejected++;
        validUntil = Math.min(validUntil, until);
      } else if (member.healthy()) {
        available++;
      }
      if (ramp != null) {
        long end = ramp.windowEnd(member);
        if (end > now) {
          ramping = true;
          validUntil = Math.min(validUntil, end);
        }
      }
    }
    int staying = members.length - draining;
    boolean panic = staying > 0 && available * 100L < (long) panicThresholdPercent * staying;
    if (panic && !availability.panic()) {
      LOG.warn(
          "panic mode: only {} of {} endpoints available, below {}%; balancing over all",
          available, staying, panicThresholdPercent);
    }
    boolean everyMemberUsable = (panic || available == members.length) && !ramping && draining == 0;
    Availability fresh =
        new Availability(
            version,
            now,
            validUntil,
            panic,
            ramping,
            available,
            ejected,
            draining,
            everyMemberUsable);
    availability = fresh;
    return fresh;
  }

  /**
   * Returns the pool this load balancer selects from.
   *
   * @return the pool, never null
   */
  public EndpointPool pool() {
    return pool;
  }

  /**
   * Returns the selector.
   *
   * @return the selector, never null
   */
  public Selector selector() {
    return selector;
  }

  /**
   * Returns whether the load balancer currently balances over all endpoints because too few are
   * available.
   *
   * @return whether in panic mode
   */
  public boolean inPanicMode() {
    return currentAvailability().panic();
  }

  /**
   * Returns how many endpoints are currently ejected by outlier ejection.
   *
   * @return the count
   */
  public int ejectedCount() {
    return currentAvailability().ejected();
  }

  private Availability currentAvailability() {
    PoolSnapshot snapshot = pool.snapshot();
    return recompute(snapshot.members(), snapshot.version());
  }

  /**
   * Returns the status of one endpoint.
   *
   * @param endpointId the id, not null
   * @return the status, empty if the id is not in the pool
   */
  public Optional<EndpointStatus> status(String endpointId) {
    Member member =
        pool.snapshot()
            .byId()
            .get(Objects.requireNonNull(endpointId, "endpointId must not be null"));
    return member == null ? Optional.empty() : Optional.of(status(member, ticker.read()));
  }

  /**
   * Returns the status of every endpoint, in pool order.
   *
   * @return an unmodifiable list
   */
  public List<EndpointStatus> status() {
    long now = ticker.read();
    List<EndpointStatus> list = new ArrayList<>();
    for (Member member : pool.snapshot().members()) {
      list.add(status(member, now));
    }
    return Collections.unmodifiableList(list);
  }

  private static EndpointStatus status(Member member, long now) {
    return new EndpointStatus(
        member.endpoint(),
        member.healthy(),
        member.ejectedUntilNanos() > now,
        member.ejections(),
        member.inFlight(),
        member.latencyEwmaNanos());
  }

  @Override
  public String toString() {
    return "LoadBalancer{" + selector.name() + ", " + pool.size() + " endpoints}";
  }

  /** Holds an algorithm and its table for the members array it was last prepared for. */
  private static final class Engine<T> {
    private final SelectionAlgorithm<T> algorithm;
    private volatile @Nullable Prepared<T> prepared;

    @SuppressWarnings("unchecked")
    Engine(SelectionAlgorithm<?> algorithm) {
      this.algorithm = (SelectionAlgorithm<T>) algorithm;
    }

    @Nullable Member pick(
        PoolSnapshot snapshot, Availability availability, long now, RequestContext context) {
      Member[] members = snapshot.members();
      if (members.length == 0) {
        return null;
      }
      Prepared<T> current = prepared;
      if (current == null || current.members != members) {
        current = prepare(members);
      }
      return algorithm.pick(current.table, members, availability, now, context);
    }

    private synchronized Prepared<T> prepare(Member[] members) {
      Prepared<T> current = prepared;
      if (current == null || current.members != members) {
        current = new Prepared<>(members, algorithm.prepare(members));
        prepared = current;
      }
      return current;
    }
  }

  private static final class Prepared<T> {
    final Member[] members;
    final T table;

    Prepared(Member[] members, T table) {
      this.members = members;
      this.table = table;
    }
  }

  /** Builds a {@link LoadBalancer}; not thread-safe, validates in {@link #build()}. */
  public static final class Builder {
    private final EndpointPool pool;
    private Selector selector = Selectors.roundRobin();
    private OutlierEjection outlierEjection = OutlierEjection.disabled();
    private int panicThresholdPercent = 50;
    private SlowStart slowStart = SlowStart.disabled();
    private long seed = System.nanoTime() ^ Thread.currentThread().getId() * 0x9E3779B97F4A7C15L;
    private boolean countInFlight;

    private Builder(EndpointPool pool) {
      this.pool = pool;
    }

    /**
     * Sets the algorithm (default {@link Selectors#roundRobin()}).
     *
     * @param selector one of {@link Selectors}, not null
     * @return this builder
     */
    public Builder selector(Selector selector) {
      this.selector = Objects.requireNonNull(selector, "selector must not be null");
      return this;
    }

    /**
     * Sets passive outlier ejection (default {@link OutlierEjection#disabled()}).
     *
     * @param outlierEjection the setting, not null
     * @return this builder
     */
    public Builder outlierEjection(OutlierEjection outlierEjection) {
      this.outlierEjection =
          Objects.requireNonNull(outlierEjection, "outlierEjection must not be null");
      return this;
    }

    /**
     * Sets the panic threshold (default 50): when fewer than this percentage of the endpoints are
     * healthy and not ejected, all endpoints are used. 0 disables panic mode.
     *
     * @param percent 0 to 100
     * @return this builder
     */
    public Builder panicThresholdPercent(int percent) {
      this.panicThresholdPercent = percent;
      return this;
    }

    /**
     * Sets slow start (default {@link SlowStart#disabled()}).
     *
     * @param slowStart the setting, not null
     * @return this builder
     */
    public Builder slowStart(SlowStart slowStart) {
      this.slowStart = Objects.requireNonNull(slowStart, "slowStart must not be null");
      return this;
    }

    /**
     * Fixes the seed of the random choices (default: from the clock), for reproducible tests and
     * simulations.
     *
     * @param seed any value
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Counts in-flight requests per endpoint even when the selector does not need them (default
     * false: only least connections, least response time, power of two choices, peak EWMA and
     * bounded-load hashing count them). Costs one atomic per pick and one per completion; lets a
     * {@linkplain EndpointPool#drain draining} endpoint stay in the pool until its last request
     * completes, and shows real counts in {@link #status()}.
     *
     * @param countInFlight whether to count
     * @return this builder
     */
    public Builder countInFlight(boolean countInFlight) {
      this.countInFlight = countInFlight;
      return this;
    }

    /**
     * Builds the load balancer.
     *
     * @return the load balancer
     * @throws IllegalArgumentException naming the invalid field and value
     */
    public LoadBalancer build() {
      if (panicThresholdPercent < 0 || panicThresholdPercent > 100) {
        throw new IllegalArgumentException(
            "panicThresholdPercent must be between 0 and 100 but was " + panicThresholdPercent);
      }
      return new LoadBalancer(this);
    }
  }
}
