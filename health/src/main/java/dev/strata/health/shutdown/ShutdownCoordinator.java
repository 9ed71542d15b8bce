package dev.strata.health.shutdown;

import dev.strata.health.CheckResult;
import dev.strata.health.HealthCheckRegistration;
import dev.strata.health.HealthGroup;
import dev.strata.health.HealthRegistry;
import dev.strata.health.internal.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shuts an application down without failing a request, for rolling and zero-downtime deploys. On
 * {@link #shutdown()} ({@link #close()}, or SIGTERM with {@link Builder#shutdownHook(boolean)}):
 *
 * <ol>
 *   <li>{@link ShutdownPhase#DRAINING}: readiness turns DOWN (the {@code /health/ready} probe
 *       answers 503) while liveness stays UP, so an orchestrator does not restart the process;
 *       waits the {@linkplain Builder#drainPeriod drain period} for load balancers to notice and
 *       stop sending new requests. Requests keep being served meanwhile;
 *   <li>{@link ShutdownPhase#AWAITING_IN_FLIGHT}: waits until every {@link InFlightRequests}
 *       counter is at 0, up to the {@linkplain Builder#inFlightTimeout in-flight timeout};
 *   <li>{@link ShutdownPhase#STOPPING}: runs the stop actions in the order they were added (stop
 *       the web server, close pools, close the health endpoint...); a failing action is logged and
 *       the next one runs;
 *   <li>{@link ShutdownPhase#STOPPED}.
 * </ol>
 *
 * <p>Readiness is a check named {@code shutdown} in the {@link HealthGroup#READINESS} group that
 * {@link Builder#build()} registers in the registry; it is UP until the shutdown starts.
 *
 * <pre>{@code
 * ShutdownCoordinator shutdown = ShutdownCoordinator.builder(registry)
 *     .drainPeriod(Duration.ofSeconds(10))   // > balancer probe interval x failure threshold
 *     .inFlightTimeout(Duration.ofSeconds(30))
 *     .inFlight(inFlightRequests)
 *     .stopAction("web server", () -> server.stop(0))
 *     .stopAction("health endpoint", endpoint::close)
 *     .shutdownHook(true)
 *     .build();
 * }</pre>
 *
 * <p>Thread-safe. The shutdown runs once: a second caller of {@link #shutdown()} waits for the
 * first one to finish.
 */
public final class ShutdownCoordinator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ShutdownCoordinator.class);

  /** The name of the readiness check this coordinator registers. */
  public static final String CHECK_NAME = "shutdown";

  /** A step of the application's stop, run after requests drained. */
  @FunctionalInterface
  public interface StopAction {
    /**
     * Stops something.
     *
     * @throws Exception on failure; logged, and the next action runs
     */
    void stop() throws Exception;
  }

  private final HealthRegistry registry;
  private final Duration drainPeriod;
  private final Duration inFlightTimeout;
  private final List<InFlightRequests> inFlight;
  private final List<Map.Entry<String, StopAction>> stopActions;
  private final AtomicBoolean started = new AtomicBoolean();
  private final CountDownLatch finished = new CountDownLatch(1);
  private final @Nullable Thread hook;
  private volatile ShutdownPhase phase = ShutdownPhase.RUNNING;

  private ShutdownCoordinator(Builder b) {
    this.registry = b.registry;
    this.drainPeriod = b.drainPeriod;
    this.inFlightTimeout = b.inFlightTimeout;
    this.inFlight = List.copyOf(b.inFlight);
    this.stopActions = List.copyOf(b.stopActions);
    registry.register(
        HealthCheckRegistration.builder(CHECK_NAME, this::readiness)
            .groups(HealthGroup.READINESS)
            .minInterval(Duration.ZERO)
            .build());
    if (b.shutdownHook) {
      Thread t = new Thread(this::shutdownQuietly, "strata-shutdown");
      Runtime.getRuntime().addShutdownHook(t);
      this.hook = t;
    } else {
      this.hook = null;
    }
  }

  /**
   * Starts configuring a coordinator: drain period 10 s, in-flight timeout 30 s, no counters, no
   * stop actions, no shutdown hook.
   *
   * @param registry the registry whose readiness turns DOWN, not null
   * @return a builder
   */
  public static Builder builder(HealthRegistry registry) {
    return new Builder(registry);
  }

  private CheckResult readiness() {
    ShutdownPhase p = phase;
    return p == ShutdownPhase.RUNNING
        ? CheckResult.up()
        : CheckResult.down("shutting down (" + p + ")");
  }

  /**
   * Where the shutdown is.
   *
   * @return the phase, never null
   */
  public ShutdownPhase phase() {
    return phase;
  }

  /**
   * Runs the shutdown (see the class description) and returns when it is over; if another thread
   * already started it, waits for that one to finish.
   *
   * @return whether every in-flight request completed before the in-flight timeout
   * @throws InterruptedException if interrupted while waiting; the phases left are then skipped,
   *     except the stop actions, which run before this is thrown
   */
  public boolean shutdown() throws InterruptedException {
    if (!started.compareAndSet(false, true)) {
      finished.await();
      return inFlightIsZero();
    }
    removeHook();
    boolean drained = false;
    InterruptedException interrupted = null;
    try {
      phase = ShutdownPhase.DRAINING;
      LOG.info("shutting down: readiness is DOWN; draining for {} ms", drainPeriod.toMillis());
      TimeUnit.NANOSECONDS.sleep(drainPeriod.toNanos());
      phase = ShutdownPhase.AWAITING_IN_FLIGHT;
      drained = awaitInFlight();
    } catch (InterruptedException e) {
      interrupted = e;
    } finally {
      phase = ShutdownPhase.STOPPING;
      runStopActions();
      phase = ShutdownPhase.STOPPED;
      finished.countDown();
      LOG.info("shutdown complete");
    }
    if (interrupted != null) {
      throw interrupted;
    }
    return drained;
  }

  private boolean awaitInFlight() throws InterruptedException {
    long deadline = System.nanoTime() + inFlightTimeout.toNanos();
    for (InFlightRequests counter : inFlight) {
      if (!counter.awaitZero(Duration.ofNanos(deadline - System.nanoTime()))) {
        LOG.warn(
            "in-flight timeout of {} ms passed with {} request(s) still in flight; stopping anyway",
            inFlightTimeout.toMillis(),
            inFlightCount());
        return false;
      }
    }
    return true;
  }

  private boolean inFlightIsZero() {
    return inFlightCount() == 0;
  }

  private long inFlightCount() {
    long n = 0;
    for (InFlightRequests counter : inFlight) {
      n += counter.count();
    }
    return n;
  }

  private void runStopActions() {
    for (Map.Entry<String, StopAction> action : stopActions) {
      try {
        action.getValue().stop();
        LOG.debug("stopped {}", action.getKey());
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        LOG.warn("stop action '{}' failed", action.getKey(), e);
      }
    }
  }

  private void removeHook() {
    Thread t = hook;
    if (t != null && Thread.currentThread() != t) {
      try {
        Runtime.getRuntime().removeShutdownHook(t);
      } catch (IllegalStateException jvmAlreadyStopping) {
        // the hook runs or ran; nothing to undo
      }
    }
  }

  private void shutdownQuietly() {
    try {
      shutdown();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Runs the shutdown as {@link #shutdown()} does; an interruption is kept as the thread's
   * interrupt status.
   */
  @Override
  public void close() {
    shutdownQuietly();
  }

  @Override
  public String toString() {
    return "ShutdownCoordinator{" + phase + "}";
  }

  /** Configures a {@link ShutdownCoordinator}. Not thread-safe; use from one thread. */
  public static final class Builder {
    private final HealthRegistry registry;
    private Duration drainPeriod = Duration.ofSeconds(10);
    private Duration inFlightTimeout = Duration.ofSeconds(30);
    private final List<InFlightRequests> inFlight = new ArrayList<>();
    private final List<Map.Entry<String, StopAction>> stopActions = new ArrayList<>();
    private boolean shutdownHook;

    private Builder(HealthRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry must not be null");
    }

    /**
     * Sets how long readiness is DOWN before in-flight requests are awaited: longer than a load
     * balancer needs to stop sending (its probe interval times its failure threshold, plus the
     * probe timeout).
     *
     * @param drainPeriod zero or positive, not null; default 10 s
     * @return this builder
     */
    public Builder drainPeriod(Duration drainPeriod) {
      this.drainPeriod = Objects.requireNonNull(drainPeriod, "drainPeriod must not be null");
      return this;
    }

    /**
     * Sets how long to wait for in-flight requests after the drain period.
     *
     * @param inFlightTimeout zero or positive, not null; default 30 s
     * @return this builder
     */
    public Builder inFlightTimeout(Duration inFlightTimeout) {
      this.inFlightTimeout =
          Objects.requireNonNull(inFlightTimeout, "inFlightTimeout must not be null");
      return this;
    }

    /**
     * Adds a counter of in-flight requests to wait for.
     *
     * @param requests the counter, not null
     * @return this builder
     */
    public Builder inFlight(InFlightRequests requests) {
      this.inFlight.add(Objects.requireNonNull(requests, "requests must not be null"));
      return this;
    }

    /**
     * Adds a stop action, run after the ones added before it.
     *
     * @param name names the action in logs, not null
     * @param action the action, not null
     * @return this builder
     */
    public Builder stopAction(String name, StopAction action) {
      this.stopActions.add(
          Map.entry(
              Objects.requireNonNull(name, "name must not be null"),
              Objects.requireNonNull(action, "action must not be null")));
      return this;
    }

    /**
     * Sets whether a JVM shutdown hook (SIGTERM, SIGINT, {@code System.exit}) runs the shutdown.
     * The hook is removed when the shutdown runs for another reason.
     *
     * @param shutdownHook whether to install one; default false
     * @return this builder
     */
    public Builder shutdownHook(boolean shutdownHook) {
      this.shutdownHook = shutdownHook;
      return this;
    }

    /**
     * Validates, registers the {@code shutdown} readiness check and installs the hook if asked.
     *
     * @return the coordinator, in {@link ShutdownPhase#RUNNING}
     * @throws IllegalArgumentException naming the field and value when a setting is invalid, or if
     *     the registry already has a check named {@code shutdown}
     */
    public ShutdownCoordinator build() {
      Durations.requireNonNegative("drainPeriod", drainPeriod);
      Durations.requireNonNegative("inFlightTimeout", inFlightTimeout);
      return new ShutdownCoordinator(this);
    }
  }
}
