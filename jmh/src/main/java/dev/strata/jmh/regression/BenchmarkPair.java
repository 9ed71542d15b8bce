package dev.strata.jmh.regression;

import java.util.Locale;

/**
 * One line of the baseline file: a Strata benchmark, its raw twin, the ratio of their speeds that
 * was measured when the baseline was recorded, and how far that ratio may fall before the check
 * fails.
 *
 * @param name the pair's name, unique in the file
 * @param strata the Strata benchmark, {@code Class.method} (a class of {@code dev.strata.jmh} or of
 *     a subpackage)
 * @param raw the raw building block's benchmark, same form
 * @param baseline the recorded ratio strata speed / raw speed; positive
 * @param tolerance the share of the baseline the ratio may lose, in {@code [0, 1)}: the check fails
 *     when {@code ratio < baseline × (1 − tolerance)}
 */
record BenchmarkPair(String name, String strata, String raw, double baseline, double tolerance) {

  BenchmarkPair {
    if (!(baseline > 0)) {
      throw new IllegalArgumentException(
          "baseline of pair '" + name + "' must be positive but was " + baseline);
    }
    if (!(tolerance >= 0 && tolerance < 1)) {
      throw new IllegalArgumentException(
          "tolerance of pair '" + name + "' must be in [0, 1) but was " + tolerance);
    }
  }

  /** The lowest ratio that still passes. */
  double minimumRatio() {
    return baseline * (1 - tolerance);
  }

  /** This pair with another baseline ratio. */
  BenchmarkPair withBaseline(double newBaseline) {
    return new BenchmarkPair(name, strata, raw, newBaseline, tolerance);
  }

  /** The pair as a line of the baseline file. */
  String toLine() {
    return String.format(
        Locale.ROOT, "%-28s %-48s %-48s %6.3f %5.2f", name, strata, raw, baseline, tolerance);
  }
}
