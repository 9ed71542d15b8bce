package dev.strata.health.active.internal;

import dev.strata.health.internal.DaemonThreadFactory;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The one scheduler thread per process that times every active endpoint probe. Probes only start
 * non-blocking I/O on it, so one thread serves any number of endpoints; the thread is a daemon and
 * is created on first use.
 */
public final class SharedProbeScheduler {

  private SharedProbeScheduler() {}

  private static final class Holder {
    static final ScheduledThreadPoolExecutor SCHEDULER = create();

    private static ScheduledThreadPoolExecutor create() {
      ScheduledThreadPoolExecutor s =
          new ScheduledThreadPoolExecutor(1, new DaemonThreadFactory("strata-health-prober"));
      s.setRemoveOnCancelPolicy(true);
      return s;
    }
  }

  /**
   * The shared scheduler. Never shut it down: other checkers use it.
   *
   * @return the scheduler
   */
  public static ScheduledExecutorService get() {
    return Holder.SCHEDULER;
  }
}
