package dev.strata.health.active;

import dev.strata.health.CheckResult;
import dev.strata.health.active.internal.SharedProbeScheduler;
import dev.strata.health.internal.Durations;
import dev.strata.lb.Endpoint;
import dev.strata.lb.EndpointPool;
import dev.strata.lb.PoolListener;
import dev.strata.lb.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes every endpoint of an {@link EndpointPool} at an interval and marks it down after {@code
 * fall} consecutive failed probes and up again after {@code rise} consecutive successful ones
 * (HAProxy's rise and fall), through {@link EndpointPool#setHealthy(String, boolean)}, so the
 * pool's selectors skip endpoints that cannot serve.
 *
 * <pre>{@code
 * ActiveHealthChecker checker = ActiveHealthChecker.builder(pool)
 *     .probe(EndpointProbe.http("/health/ready"))
 *     .interval(Duration.ofSeconds(2)).rise(2).fall(3)
 *     .build();
 * checker.start();
 * ...
 * checker.close();
 * }</pre>
 *
 * <h2>Scheduling</h2>
 *
 * All checkers of a process share one prober thread, which only starts non-blocking I/O; probe load
 * is one probe per endpoint per interval, however many threads send requests through the pool. Each
 * endpoint is probed again one interval (with random jitter, so probes of many endpoints do not
 * align) after its previous probe completed, so one endpoint never has two probes in flight. A
 * probe that has not completed shortly after its timeout counts as failed; if it still has not
 * completed when the next probe is due, that probe is not started but counted as failed too
 * ("previous probe has not finished"), so a hung probe takes its endpoint down after {@code fall}
 * intervals without ever overlapping. The first probe of each endpoint happens at a random point
 * within the first interval.
 *
 * <h2>Membership and state</h2>
 *
 * Endpoints added to the pool are probed from then on, removed ones no longer (a late result of a
 * removed endpoint is dropped). An endpoint starts in the state the pool has for it (new endpoints
 * are healthy) with its counters at zero. State changes are logged (WARN when down, INFO when up).
 *
 * <p>Thread-safe. {@link #close()} stops probing; endpoints keep the health last set.
 */
public final class ActiveHealthChecker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ActiveHealthChecker.class);

  /** Extra time beyond the timeout a probe gets to report before it is counted as failed. */
  private static final long GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private final EndpointPool pool;
  private final EndpointProbe probe;
  private final Duration interval;
  private final double jitter;
  private final Duration timeout;
  private final int rise;
  private final int fall;
  private final ScheduledExecutorService scheduler = SharedProbeScheduler.get();
  private final SplittableRandom random;
  private final Map<String, Target> targets = new ConcurrentHashMap<>();
  private final Object lifecycle = new Object();
  private @Nullable Subscription subscription;
  private volatile boolean started;
  private volatile boolean closed;

  private ActiveHealthChecker(Builder b) {
    this.pool = b.pool;
    this.probe = b.probe;
    this.interval = b.interval;
    this.jitter = b.jitter;
    this.timeout = b.timeout == null ? b.interval : b.timeout;
    this.rise = b.rise;
    this.fall = b.fall;
    this.random = new SplittableRandom(b.seed);
  }

  /**
   * Starts configuring a checker of {@code pool}.
   *
   * @param pool the pool whose endpoints to probe and mark, not null
   * @return a builder: TCP probe, 2 s interval, 10% jitter, timeout = interval, rise 2, fall 3
   */
  public static Builder builder(EndpointPool pool) {
    return new Builder(pool);
  }

  /**
   * Starts probing the pool's current and future endpoints.
   *
   * @return this checker
   * @throws IllegalStateException if already started or closed
   */
  public ActiveHealthChecker start() {
    synchronized (lifecycle) {
      if (closed) {
        throw new IllegalStateException("active health checker is closed");
      }
      if (started) {
        throw new IllegalStateException("active health checker was already started");
      }
      started = true;
      subscription =
          pool.addListener(
              new PoolListener() {
                @Override
                public void endpointAdded(Endpoint endpoint) {
                  track(endpoint);
                }

                @Override
                public void endpointRemoved(Endpoint endpoint) {
                  untrack(endpoint.id());
                }

                @Override
                public void endpointUpdated(Endpoint previous, Endpoint current) {
                  Target t = targets.get(current.id());
                  if (t != null) {
                    t.endpoint = current;
                  }
                }
              });
      for (Endpoint endpoint : pool.endpoints()) {
        track(endpoint);
      }
    }
    LOG.info(
        "active health checking started: {} endpoint(s), probe {}, interval {}ms, rise {}, fall {}",
        targets.size(),
        probe,
        interval.toMillis(),
        rise,
        fall);
    return this;
  }

  /**
   * What the checker knows about one endpoint.
   *
   * @param endpointId the id, not null
   * @return the state, or empty if the endpoint is not being checked
   */
  public Optional<EndpointHealth> health(String endpointId) {
    Target t = targets.get(Objects.requireNonNull(endpointId, "endpointId must not be null"));
    return t == null ? Optional.empty() : Optional.of(t.snapshot());
  }

  /**
   * What the checker knows about every endpoint it checks.
   *
   * @return a snapshot, never null
   */
  public List<EndpointHealth> health() {
    List<EndpointHealth> list = new ArrayList<>();
    for (Target t : targets.values()) {
      list.add(t.snapshot());
    }
    return list;
  }

  /** Stops probing and stops following the pool. Idempotent. */
  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      if (subscription != null) {
        subscription.close();
      }
    }
    for (String id : List.copyOf(targets.keySet())) {
      untrack(id);
    }
    LOG.info("active health checking stopped");
  }

  private void track(Endpoint endpoint) {
    if (closed) {
      return;
    }
    Target t = new Target(endpoint, pool.isHealthy(endpoint.id()));
    if (targets.putIfAbsent(endpoint.id(), t) != null) {
      return;
    }
    t.schedule(t.firstDelayNanos());
    if (closed) {
      untrack(endpoint.id()); // close() ran meanwhile and may have missed this one
    }
  }

  private void untrack(String id) {
    Target t = targets.remove(id);
    if (t != null) {
      t.stop();
    }
  }

  /** One endpoint's probing state; its fields are guarded by its monitor. */
  private final class Target {
    volatile Endpoint endpoint;
    private final SplittableRandom random;
    private boolean up;
    private int successes;
    private int failures;
    private long probes;
    private @Nullable String lastError;
    private boolean stopped;
    private @Nullable ScheduledFuture<?> next;
    private @Nullable CompletableFuture<CheckResult> inFlight;

    Target(Endpoint endpoint, boolean up) {
      this.endpoint = endpoint;
      this.up = up;
      synchronized (ActiveHealthChecker.this.random) {
        this.random = ActiveHealthChecker.this.random.split();
      }
    }

    synchronized void schedule(long delayNanos) {
      if (stopped) {
        return;
      }
      next = scheduler.schedule(this::probeNow, delayNanos, TimeUnit.NANOSECONDS);
    }

    synchronized void stop() {
      stopped = true;
      if (next != null) {
        next.cancel(false);
      }
    }

    synchronized long firstDelayNanos() {
      return (long) (random.nextDouble() * interval.toNanos());
    }

    synchronized EndpointHealth snapshot() {
      return new EndpointHealth(endpoint.id(), up, successes, failures, probes, lastError);
    }

    private void probeNow() {
      Endpoint ep = endpoint;
      CompletableFuture<CheckResult> previous;
      synchronized (this) {
        if (stopped) {
          return;
        }
        previous = inFlight;
      }
      if (previous != null && !previous.isDone()) {
        // A probe that ignored its timeout is still running: never start a second one.
        record(ep, CheckResult.down("previous probe has not finished"));
        schedule(nextDelayNanos());
        return;
      }
      CompletableFuture<CheckResult> result;
      try {
        result = probe.probe(ep, timeout).toCompletableFuture();
      } catch (RuntimeException e) {
        result = CompletableFuture.completedFuture(CheckResult.down(e));
      }
      synchronized (this) {
        inFlight = result;
      }
      AtomicBoolean counted = new AtomicBoolean();
      ScheduledFuture<?> giveUp =
          scheduler.schedule(
              () -> {
                if (counted.compareAndSet(false, true)) {
                  record(
                      ep,
                      CheckResult.down("probe did not finish within " + timeout.toMillis() + "ms"));
                  schedule(nextDelayNanos());
                }
              },
              timeout.toNanos() + GRACE_NANOS,
              TimeUnit.NANOSECONDS);
      result.whenComplete(
          (r, failure) -> {
            if (!counted.compareAndSet(false, true)) {
              return; // already counted as failed when it overran
            }
            giveUp.cancel(false);
            CheckResult outcome =
                failure != null
                    ? CheckResult.down(failure)
                    : r == null ? CheckResult.down("probe returned null") : r;
            record(ep, outcome);
            schedule(nextDelayNanos());
          });
    }

    private synchronized long nextDelayNanos() {
      double factor = 1.0 + (random.nextDouble() * 2.0 - 1.0) * jitter;
      return Math.max(1, (long) (interval.toNanos() * factor));
    }

    private void record(Endpoint ep, CheckResult outcome) {
      boolean success = outcome.status().isServing();
      Boolean change = null;
      synchronized (this) {
        if (stopped) {
          return;
        }
        probes++;
        if (success) {
          successes++;
          failures = 0;
          lastError = null;
          if (!up && successes >= rise) {
            up = true;
            change = Boolean.TRUE;
          }
        } else {
          failures++;
          successes = 0;
          lastError = outcome.error();
          if (up && failures >= fall) {
            up = false;
            change = Boolean.FALSE;
          }
        }
      }
      if (change == null) {
        return;
      }
      // Outside the monitor: the pool calls listeners under its own lock, and our listener takes
      // this monitor. Changes of one endpoint stay ordered because its probes never overlap.
      pool.setHealthy(ep.id(), change);
      if (change) {
        LOG.info("endpoint {} is up after {} successful probe(s)", ep.id(), rise);
      } else {
        LOG.warn(
            "endpoint {} is down after {} failed probe(s): {}", ep.id(), fall, outcome.error());
      }
    }
  }

  /** Configures an {@link ActiveHealthChecker}. Not thread-safe; use from one thread. */
  public static final class Builder {
    private final EndpointPool pool;
    private EndpointProbe probe = EndpointProbe.tcp();
    private Duration interval = Duration.ofSeconds(2);
    private double jitter = 0.1;
    private @Nullable Duration timeout;
    private int rise = 2;
    private int fall = 3;
    private long seed = System.nanoTime();

    private Builder(EndpointPool pool) {
      this.pool = Objects.requireNonNull(pool, "pool must not be null");
    }

    /**
     * Sets how endpoints are probed.
     *
     * @param probe not null; default {@link EndpointProbe#tcp()}
     * @return this builder
     */
    public Builder probe(EndpointProbe probe) {
      this.probe = Objects.requireNonNull(probe, "probe must not be null");
      return this;
    }

    /**
     * Sets the time between the end of one probe of an endpoint and the start of the next.
     *
     * @param interval positive, not null; default 2 s
     * @return this builder
     */
    public Builder interval(Duration interval) {
      this.interval = Objects.requireNonNull(interval, "interval must not be null");
      return this;
    }

    /**
     * Sets the random spread of each interval, as a fraction: 0.1 makes intervals vary by up to
     * ±10%.
     *
     * @param jitter 0 to 0.5; default 0.1
     * @return this builder
     */
    public Builder jitter(double jitter) {
      this.jitter = jitter;
      return this;
    }

    /**
     * Sets how long one probe may take.
     *
     * @param timeout positive, not null; default the interval
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout must not be null");
      return this;
    }

    /**
     * Sets how many successful probes in a row bring a down endpoint back up.
     *
     * @param rise positive; default 2
     * @return this builder
     */
    public Builder rise(int rise) {
      this.rise = rise;
      return this;
    }

    /**
     * Sets how many failed probes in a row take an up endpoint down.
     *
     * @param fall positive; default 3
     * @return this builder
     */
    public Builder fall(int fall) {
      this.fall = fall;
      return this;
    }

    /**
     * Fixes the seed of the jitter, for reproducible schedules.
     *
     * @param seed any value; default from the clock
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Validates and builds; nothing is probed until {@link ActiveHealthChecker#start()}.
     *
     * @return the checker
     * @throws IllegalArgumentException naming the field and value when a setting is invalid
     */
    public ActiveHealthChecker build() {
      Durations.requirePositive("interval", interval);
      if (timeout != null) {
        Durations.requirePositive("timeout", timeout);
      }
      if (!(jitter >= 0.0 && jitter <= 0.5)) {
        throw new IllegalArgumentException("jitter must be between 0 and 0.5 but was " + jitter);
      }
      if (rise <= 0) {
        throw new IllegalArgumentException("rise must be positive but was " + rise);
      }
      if (fall <= 0) {
        throw new IllegalArgumentException("fall must be positive but was " + fall);
      }
      return new ActiveHealthChecker(this);
    }
  }
}
