package dev.strata.health.internal;

import dev.strata.health.CheckResult;
import dev.strata.health.CheckRun;
import dev.strata.health.HealthCheck;
import dev.strata.health.HealthGroup;
import dev.strata.health.HealthStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one registered check: caches its result for the minimum interval, lets concurrent callers
 * share one run (single-flight), gives up on a run at its timeout (reporting DOWN and interrupting
 * it), and never starts a run while an earlier one is still executing, so a check that hangs holds
 * at most one executor thread. Thread-safe.
 */
public final class CheckRunner {

  private static final Logger LOG = LoggerFactory.getLogger(CheckRunner.class);

  private final String name;
  private final HealthCheck check;
  private final boolean critical;
  private final Set<HealthGroup> groups;
  private final Duration timeout;
  private final long minIntervalNanos;
  private final long maxStalenessNanos;
  private final boolean backgroundRefresh;
  private final ExecutorService executor;
  private final ScheduledExecutorService timer;

  private final Object lock = new Object();

  // Guarded by lock.
  private @Nullable CheckRun last;
  private long lastStartNanos;
  private long lastCompletedNanos;
  private @Nullable CompletableFuture<CheckRun> inFlight;
  private boolean executing;
  private long executingSinceNanos;
  private @Nullable HealthStatus loggedStatus;

  /**
   * Creates a runner.
   *
   * @param name the check's name
   * @param check the check
   * @param critical whether it is critical
   * @param groups its groups
   * @param timeout timeout of one run, positive
   * @param minInterval minimum time between run starts, not negative
   * @param maxStaleness staleness limit when refreshed in the background, else null
   * @param executor runs checks
   * @param timer schedules timeouts
   */
  public CheckRunner(
      String name,
      HealthCheck check,
      boolean critical,
      Set<HealthGroup> groups,
      Duration timeout,
      Duration minInterval,
      @Nullable Duration maxStaleness,
      ExecutorService executor,
      ScheduledExecutorService timer) {
    this.name = name;
    this.check = check;
    this.critical = critical;
    this.groups = groups;
    this.timeout = timeout;
    this.minIntervalNanos = minInterval.toNanos();
    this.backgroundRefresh = maxStaleness != null;
    this.maxStalenessNanos = maxStaleness == null ? Long.MAX_VALUE : maxStaleness.toNanos();
    this.executor = executor;
    this.timer = timer;
  }

  /**
   * The check's name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The check's groups.
   *
   * @return the groups
   */
  public Set<HealthGroup> groups() {
    return groups;
  }

  /**
   * Returns the outcome a probe should report now: the cached one when fresh (or, with background
   * refresh, the latest one, reported DOWN when stale), else the running execution's, else a new
   * execution's. The future completes no later than the timeout after the execution started.
   *
   * @return the outcome, never failing exceptionally
   */
  public CompletableFuture<CheckRun> outcome() {
    long now = System.nanoTime();
    synchronized (lock) {
      CheckRun cached = last;
      if (backgroundRefresh && cached != null) {
        // Never wait on a background-refreshed check once it has a result.
        return CompletableFuture.completedFuture(staleAware(cached, now));
      }
      if (inFlight != null) {
        return inFlight;
      }
      if (cached != null && now - lastStartNanos < minIntervalNanos) {
        return CompletableFuture.completedFuture(cached);
      }
      return startLocked(now);
    }
  }

  /** Starts a run for background refresh unless one is already in flight. */
  public void refresh() {
    long now = System.nanoTime();
    synchronized (lock) {
      if (inFlight == null) {
        startLocked(now);
      }
    }
  }

  private CheckRun staleAware(CheckRun cached, long now) {
    long age = now - lastCompletedNanos;
    if (age <= maxStalenessNanos) {
      return cached;
    }
    return new CheckRun(
        name,
        CheckResult.of(
            HealthStatus.DOWN,
            cached.details(),
            "latest result is stale: "
                + TimeUnit.NANOSECONDS.toMillis(age)
                + "ms old, limit "
                + TimeUnit.NANOSECONDS.toMillis(maxStalenessNanos)
                + "ms"
                + (cached.error() == null ? "" : "; last error: " + cached.error())),
        critical,
        cached.duration(),
        cached.checkedAt());
  }

  private CompletableFuture<CheckRun> startLocked(long now) {
    lastStartNanos = now;
    if (executing) {
      // An earlier run outlived its timeout and has not returned yet: starting another would take a
      // second thread for the same hung dependency, so report it instead.
      CheckRun hung =
          outcome(
              CheckResult.down(
                  "previous run has not returned for "
                      + TimeUnit.NANOSECONDS.toMillis(now - executingSinceNanos)
                      + "ms (timed out after "
                      + timeout.toMillis()
                      + "ms); not started again until it returns"),
              timeout);
      recordLocked(hung, now);
      return CompletableFuture.completedFuture(hung);
    }
    CompletableFuture<CheckRun> result = new CompletableFuture<>();
    inFlight = result;
    executing = true;
    executingSinceNanos = now;
    Future<?> run;
    try {
      run = executor.submit(() -> execute(result));
    } catch (RejectedExecutionException e) {
      executing = false;
      inFlight = null;
      CheckRun rejected =
          outcome(CheckResult.down("check executor rejected the run: " + e), Duration.ZERO);
      recordLocked(rejected, now);
      return CompletableFuture.completedFuture(rejected);
    }
    ScheduledFuture<?> timeoutTask =
        timer.schedule(
            () -> {
              CheckRun timedOut =
                  outcome(
                      CheckResult.down("timed out after " + timeout.toMillis() + "ms"), timeout);
              if (complete(result, timedOut)) {
                run.cancel(true);
              }
            },
            timeout.toNanos(),
            TimeUnit.NANOSECONDS);
    result.whenComplete((o, e) -> timeoutTask.cancel(false));
    return result;
  }

  private void execute(CompletableFuture<CheckRun> result) {
    long start = System.nanoTime();
    CheckResult r;
    try {
      r = check.check();
      if (r == null) {
        r = CheckResult.down("health check '" + name + "' returned null instead of a result");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      r = CheckResult.down("interrupted");
    } catch (Throwable t) {
      r = CheckResult.down(CheckResult.describe(t));
    }
    CheckRun o = outcome(r, Duration.ofNanos(System.nanoTime() - start));
    synchronized (lock) {
      executing = false;
    }
    complete(result, o);
  }

  /** Completes the run's future with {@code o} unless it already is, and records it. */
  private boolean complete(CompletableFuture<CheckRun> result, CheckRun o) {
    HealthStatus before;
    synchronized (lock) {
      if (inFlight != result) {
        return false; // the other of run and timeout got here first
      }
      inFlight = null;
      before = loggedStatus;
      recordLocked(o, System.nanoTime());
    }
    result.complete(o);
    logTransition(before, o);
    return true;
  }

  private void recordLocked(CheckRun o, long now) {
    last = o;
    lastCompletedNanos = now;
    loggedStatus = o.status();
  }

  private void logTransition(@Nullable HealthStatus before, CheckRun o) {
    if (before == o.status()) {
      return;
    }
    if (o.status() == HealthStatus.UP) {
      LOG.info("health check '{}' is UP (was {})", name, before == null ? "unknown" : before);
    } else {
      LOG.warn(
          "health check '{}' is {} (was {}): {}",
          name,
          o.status(),
          before == null ? "unknown" : before,
          o.error());
    }
  }

  private CheckRun outcome(CheckResult r, Duration duration) {
    return new CheckRun(name, r, critical, duration, Instant.now());
  }
}
