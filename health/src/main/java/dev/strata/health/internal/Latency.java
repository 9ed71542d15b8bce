package dev.strata.health.internal;

/** Turns {@link System#nanoTime()} differences into the millisecond values checks report. */
public final class Latency {

  private Latency() {}

  /**
   * Milliseconds since {@code startNanos}, rounded to microseconds.
   *
   * @param startNanos a {@link System#nanoTime()} reading
   * @return elapsed milliseconds with three decimals
   */
  public static double millisSince(long startNanos) {
    long micros = (System.nanoTime() - startNanos) / 1_000;
    return micros / 1_000.0;
  }
}
