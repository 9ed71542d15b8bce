package dev.strata.lb;

/**
 * A source of monotonic nanosecond time, injectable so that tests and the simulator run on a
 * virtual clock.
 *
 * <p>Implementations must be thread-safe and cheap: the load balancer reads the ticker on the
 * select path when a selector needs time (latency-aware selectors, pending ejections, slow start).
 */
@FunctionalInterface
public interface Ticker {

  /**
   * Returns the current time in nanoseconds from an arbitrary origin; only differences matter.
   *
   * @return monotonic nanoseconds
   */
  long read();

  /**
   * Returns the ticker backed by {@link System#nanoTime()}.
   *
   * @return the system ticker, never null
   */
  static Ticker system() {
    return System::nanoTime;
  }
}
