package dev.strata.health;

import dev.strata.health.internal.CheckRunner;
import dev.strata.health.internal.DaemonThreadFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds named health checks and runs them: concurrently, each with a timeout, its result cached for
 * a minimum interval, and with concurrent probes sharing one run (single-flight).
 *
 * <pre>{@code
 * HealthRegistry registry = HealthRegistry.builder().maxConcurrentChecks(4).build();
 * registry.register(HealthCheckRegistration.builder("database", DataSourceHealthCheck.of(ds))
 *     .groups(HealthGroup.READINESS).timeout(Duration.ofSeconds(1)).build());
 * HealthReport ready = registry.check(HealthGroup.READINESS);
 * }</pre>
 *
 * <h2>Execution</h2>
 *
 * Checks run on a pool of at most {@link Builder#maxConcurrentChecks(int)} daemon threads owned by
 * the registry; callers never run a check on their own thread. A probe of a group starts the runs
 * it needs at once and waits for them together, so it waits at most the longest timeout among the
 * group's checks. A run still going at its timeout is reported DOWN ("timed out after ...") and
 * interrupted. A check that ignores the interrupt keeps its thread until it returns; while it does,
 * that check is not started again (probes get a DOWN "previous run has not returned" result
 * immediately), so a hung check holds at most one thread. Other checks are unaffected as long as
 * {@code maxConcurrentChecks} exceeds the number of checks hung at the same time; when every thread
 * is held, newly started runs queue and are reported timed out at their own timeout, so no probe
 * ever waits longer than that.
 *
 * <h2>Caching and background refresh</h2>
 *
 * A check is run for real at most once per its minimum interval (measured between run starts);
 * probes in between get the cached result, failures included. A check registered with background
 * refresh is run on the registry's timer every refresh interval; probes never wait for it (except
 * for its very first result) and get the latest result, or DOWN when that result is older than the
 * staleness limit.
 *
 * <p>Thread-safe. Status changes of each check are logged (INFO when UP, WARN otherwise). {@link
 * #close()} stops the threads; a closed registry rejects probes and registrations with {@link
 * IllegalStateException}.
 */
public final class HealthRegistry implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HealthRegistry.class);

  private final Duration defaultTimeout;
  private final Duration defaultMinInterval;
  private final ThreadPoolExecutor executor;
  private final ScheduledThreadPoolExecutor timer;
  private final Map<String, Registered> checks = new ConcurrentHashMap<>();
  private final Object registrationLock = new Object();
  private final long startNanos = System.nanoTime();
  private volatile boolean closed;

  private record Registered(
      long order, CheckRunner runner, @Nullable ScheduledFuture<?> refreshTask) {}

  private long nextOrder;

  private HealthRegistry(Builder b) {
    this.defaultTimeout = b.defaultTimeout;
    this.defaultMinInterval = b.defaultMinInterval;
    this.executor =
        new ThreadPoolExecutor(
            b.maxConcurrentChecks,
            b.maxConcurrentChecks,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            new DaemonThreadFactory("strata-health-check"));
    this.executor.allowCoreThreadTimeOut(true);
    this.timer = new ScheduledThreadPoolExecutor(1, new DaemonThreadFactory("strata-health-timer"));
    this.timer.setRemoveOnCancelPolicy(true);
  }

  /**
   * Starts configuring a registry.
   *
   * @return a builder with defaults: 8 concurrent checks, 2 s timeout, 1 s minimum interval
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Registers a check. Its timeout and minimum interval default to the registry's when unset. A
   * check with background refresh is started right away.
   *
   * @param registration the registration, not null
   * @throws IllegalArgumentException if a check of that name is already registered
   * @throws IllegalStateException if the registry is closed
   */
  public void register(HealthCheckRegistration registration) {
    Objects.requireNonNull(registration, "registration must not be null");
    Duration timeout = registration.timeout() == null ? defaultTimeout : registration.timeout();
    Duration minInterval =
        registration.minInterval() == null ? defaultMinInterval : registration.minInterval();
    CheckRunner runner =
        new CheckRunner(
            registration.name(),
            registration.check(),
            registration.critical(),
            registration.groups(),
            timeout,
            minInterval,
            registration.maxStaleness(),
            executor,
            timer);
    synchronized (registrationLock) {
      ensureOpen();
      if (checks.containsKey(registration.name())) {
        throw new IllegalArgumentException(
            "name must be unique but a health check named '"
                + registration.name()
                + "' is already registered");
      }
      ScheduledFuture<?> refreshTask = null;
      Duration refresh = registration.refreshInterval();
      if (refresh != null) {
        refreshTask =
            timer.scheduleWithFixedDelay(
                runner::refresh, 0, refresh.toNanos(), TimeUnit.NANOSECONDS);
      }
      checks.put(registration.name(), new Registered(nextOrder++, runner, refreshTask));
    }
    LOG.debug("registered {}", registration);
  }

  /**
   * Removes a check. A run in progress finishes unobserved.
   *
   * @param name the check's name, not null
   * @return true if a check of that name was registered
   */
  public boolean unregister(String name) {
    Registered r;
    synchronized (registrationLock) {
      r = checks.remove(Objects.requireNonNull(name, "name must not be null"));
    }
    if (r != null && r.refreshTask() != null) {
      r.refreshTask().cancel(false);
    }
    return r != null;
  }

  /**
   * The names of the registered checks, in registration order.
   *
   * @return a snapshot, never null
   */
  public List<String> names() {
    List<String> names = new ArrayList<>();
    for (Registered r : ordered()) {
      names.add(r.runner().name());
    }
    return names;
  }

  /**
   * Whether any registered check belongs to {@code group}.
   *
   * @param group the group, not null
   * @return true if the group has at least one check
   */
  public boolean hasGroup(HealthGroup group) {
    Objects.requireNonNull(group, "group must not be null");
    for (Registered r : checks.values()) {
      if (r.runner().groups().contains(group)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Checks everything: every registered check, whatever its groups. Blocks at most the longest
   * timeout of the checks.
   *
   * @return the report, never null
   * @throws IllegalStateException if the registry is closed
   */
  public HealthReport check() {
    return checkAsync(null).join();
  }

  /**
   * Checks one group. A group without checks is UP. Blocks at most the longest timeout of the
   * group's checks.
   *
   * @param group the group, not null
   * @return the report, never null
   * @throws IllegalStateException if the registry is closed
   */
  public HealthReport check(HealthGroup group) {
    return checkAsync(Objects.requireNonNull(group, "group must not be null")).join();
  }

  /**
   * Checks a group, or everything, without blocking the caller. The future completes (never
   * exceptionally) no later than the longest timeout of the checks involved.
   *
   * @param group the group, or null for every check
   * @return the future report, never null
   * @throws IllegalStateException if the registry is closed
   */
  public CompletableFuture<HealthReport> checkAsync(@Nullable HealthGroup group) {
    ensureOpen();
    List<CheckRunner> runners = new ArrayList<>();
    for (Registered r : ordered()) {
      if (group == null || r.runner().groups().contains(group)) {
        runners.add(r.runner());
      }
    }
    @SuppressWarnings("unchecked")
    CompletableFuture<CheckRun>[] futures = new CompletableFuture[runners.size()];
    for (int i = 0; i < futures.length; i++) {
      futures[i] = runners.get(i).outcome();
    }
    return CompletableFuture.allOf(futures)
        .thenApply(
            ignored -> {
              List<CheckRun> outcomes = new ArrayList<>(futures.length);
              for (CompletableFuture<CheckRun> f : futures) {
                outcomes.add(f.join());
              }
              return new HealthReport(group, outcomes, Instant.now(), uptime());
            });
  }

  /**
   * How long since the registry was built.
   *
   * @return the uptime, never null
   */
  public Duration uptime() {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  /** Stops background refresh and the check threads (interrupting running checks). Idempotent. */
  @Override
  public void close() {
    synchronized (registrationLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    timer.shutdownNow();
    executor.shutdownNow();
  }

  private List<Registered> ordered() {
    List<Registered> list = new ArrayList<>(checks.values());
    list.sort((a, b) -> Long.compare(a.order(), b.order()));
    return list;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("health registry is closed");
    }
  }

  /** Configures a {@link HealthRegistry}. Not thread-safe; use from one thread. */
  public static final class Builder {
    private int maxConcurrentChecks = 8;
    private Duration defaultTimeout = Duration.ofSeconds(2);
    private Duration defaultMinInterval = Duration.ofSeconds(1);

    private Builder() {}

    /**
     * Sets how many checks may run at the same time (the size of the check thread pool).
     *
     * @param maxConcurrentChecks positive; default 8
     * @return this builder
     */
    public Builder maxConcurrentChecks(int maxConcurrentChecks) {
      this.maxConcurrentChecks = maxConcurrentChecks;
      return this;
    }

    /**
     * Sets the timeout of checks registered without one.
     *
     * @param defaultTimeout positive, not null; default 2 s
     * @return this builder
     */
    public Builder defaultTimeout(Duration defaultTimeout) {
      this.defaultTimeout =
          Objects.requireNonNull(defaultTimeout, "defaultTimeout must not be null");
      return this;
    }

    /**
     * Sets the minimum interval between real runs of checks registered without one.
     *
     * @param defaultMinInterval zero or positive, not null; default 1 s
     * @return this builder
     */
    public Builder defaultMinInterval(Duration defaultMinInterval) {
      this.defaultMinInterval =
          Objects.requireNonNull(defaultMinInterval, "defaultMinInterval must not be null");
      return this;
    }

    /**
     * Validates and builds; the registry's threads start on demand.
     *
     * @return the registry
     * @throws IllegalArgumentException naming the field and value when a setting is out of range
     */
    public HealthRegistry build() {
      if (maxConcurrentChecks <= 0) {
        throw new IllegalArgumentException(
            "maxConcurrentChecks must be positive but was " + maxConcurrentChecks);
      }
      if (defaultTimeout.isNegative() || defaultTimeout.isZero()) {
        throw new IllegalArgumentException(
            "defaultTimeout must be positive but was " + defaultTimeout);
      }
      if (defaultMinInterval.isNegative()) {
        throw new IllegalArgumentException(
            "defaultMinInterval must not be negative but was " + defaultMinInterval);
      }
      return new HealthRegistry(this);
    }
  }
}
