package dev.strata.jmh.regression;

import java.util.Locale;

/**
 * One line of the baseline file: a Strata benchmark, its raw twin, the ratio of their speeds that
 * was measured when the baseline was recorded, and how far that ratio may fall before the check
 * fails.
 *
 * <p>A peer pair compares a Strata benchmark with a peer library's benchmark of the same operation
 * instead. Its baseline is fixed at 1.0 ("Strata is not slower than the peer"), written {@value
 * #PEER} in the file and never changed by {@code --update}; the tolerance absorbs the noise of a
 * run.
 *
 * @param name the pair's name, unique in the file
 * @param strata the Strata benchmark, {@code Class.method} (a class of {@code dev.strata.jmh} or of
 *     a subpackage)
 * @param raw the raw building block's benchmark (or the peer's), same form
 * @param baseline the recorded ratio strata speed / raw speed; positive; 1.0 for a peer pair
 * @param tolerance the share of the baseline the ratio may lose, in {@code [0, 1)}: the check fails
 *     when {@code ratio < baseline × (1 − tolerance)}
 * @param peer whether this is a peer pair, whose baseline is fixed at 1.0
 */
record BenchmarkPair(
    String name, String strata, String raw, double baseline, double tolerance, boolean peer) {

  /** What the baseline field of a peer pair says. */
  static final String PEER = "peer";

  BenchmarkPair {
    if (peer && baseline != 1.0) {
      throw new IllegalArgumentException(
          "baseline of peer pair '" + name + "' must be 1.0 but was " + baseline);
    }
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

  /** A raw pair with a measured baseline. */
  static BenchmarkPair raw(
      String name, String strata, String raw, double baseline, double tolerance) {
    return new BenchmarkPair(name, strata, raw, baseline, tolerance, false);
  }

  /** A peer pair: Strata must be at least as fast as the peer, less the tolerance. */
  static BenchmarkPair peer(String name, String strata, String peer, double tolerance) {
    return new BenchmarkPair(name, strata, peer, 1.0, tolerance, true);
  }

  /** This pair with another baseline ratio; a peer pair keeps its fixed baseline. */
  BenchmarkPair withBaseline(double newBaseline) {
    return peer ? this : new BenchmarkPair(name, strata, raw, newBaseline, tolerance, false);
  }

  /** The baseline as the file writes it. */
  String baselineText() {
    return peer ? PEER : String.format(Locale.ROOT, "%.3f", baseline);
  }

  /** The pair as a line of the baseline file. */
  String toLine() {
    return String.format(
        Locale.ROOT, "%-28s %-48s %-48s %6s %5.2f", name, strata, raw, baselineText(), tolerance);
  }
}
