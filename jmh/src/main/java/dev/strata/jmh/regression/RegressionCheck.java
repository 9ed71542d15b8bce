package dev.strata.jmh.regression;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs the benchmark pairs of the baseline file briefly, computes each pair's ratio (Strata speed
 * over raw speed, so higher is better whatever the benchmark mode) and fails when a ratio is below
 * its baseline by more than the pair's tolerance.
 *
 * <p>Usage: {@code RegressionCheck [--baseline FILE] [--pairs a,b] [--update] [--forks N]
 * [--warmup-iterations N] [--iterations N] [--time SECONDS]}. Exit status 0 when every pair passes
 * (or the baseline was updated), 1 when a ratio regressed, 2 on bad usage or a benchmark that could
 * not be run. JMH's JSON results are written to {@code jmh/target/regression-results.json}.
 */
public final class RegressionCheck {

  private Path baselinePath = Path.of("jmh/baseline.txt");
  private Path resultsPath = Path.of("jmh/target/regression-results.json");
  private Set<String> selected = new LinkedHashSet<>();
  private boolean update;
  private int forks = 1;
  private int warmupIterations = 2;
  private int iterations = 3;
  private int seconds = 1;

  private RegressionCheck() {}

  /**
   * Runs the check.
   *
   * @param args the options described on the class
   */
  public static void main(String[] args) throws Exception {
    RegressionCheck check = new RegressionCheck();
    try {
      check.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("regression-check: " + e.getMessage());
      System.exit(2);
    }
    System.exit(check.run(System.out));
  }

  private void parse(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--update" -> update = true;
        case "--baseline" -> baselinePath = Path.of(value(args, ++i, arg));
        case "--results" -> resultsPath = Path.of(value(args, ++i, arg));
        case "--pairs" -> selected = new LinkedHashSet<>(List.of(value(args, ++i, arg).split(",")));
        case "--forks" -> forks = positive(value(args, ++i, arg), arg);
        case "--warmup-iterations" -> warmupIterations = positive(value(args, ++i, arg), arg);
        case "--iterations" -> iterations = positive(value(args, ++i, arg), arg);
        case "--time" -> seconds = positive(value(args, ++i, arg), arg);
        default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
      }
    }
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  private static int positive(String text, String option) {
    try {
      int n = Integer.parseInt(text);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        option + " must be a positive integer but was '" + text + "'");
  }

  private int run(PrintStream out) throws Exception {
    BaselineFile baseline;
    try {
      baseline = BaselineFile.read(baselinePath);
    } catch (IllegalArgumentException e) {
      System.err.println("regression-check: " + e.getMessage());
      return 2;
    }
    List<BenchmarkPair> pairs = new ArrayList<>();
    for (BenchmarkPair pair : baseline.pairs()) {
      if (selected.isEmpty() || selected.contains(pair.name())) {
        pairs.add(pair);
      }
    }
    Set<String> unknown = new LinkedHashSet<>(selected);
    baseline.pairs().forEach(p -> unknown.remove(p.name()));
    if (!unknown.isEmpty() || pairs.isEmpty()) {
      System.err.println(
          "regression-check: no such pair(s) in "
              + baselinePath
              + ": "
              + String.join(",", unknown));
      return 2;
    }

    Map<String, Double> scores;
    try {
      scores = measure(pairs);
    } catch (RunnerException e) {
      System.err.println("regression-check: JMH failed: " + e.getMessage());
      return 2;
    }

    String format = "%-28s %16s %16s %8s %9s %9s  %s%n";
    out.printf(
        Locale.ROOT, format, "pair", "strata", "raw", "ratio", "baseline", "minimum", "status");
    int failures = 0;
    int notRun = 0;
    Map<String, Double> measuredRatios = new LinkedHashMap<>();
    for (BenchmarkPair pair : pairs) {
      Double strata = scores.get(pair.strata());
      Double raw = scores.get(pair.raw());
      if (strata == null || raw == null) {
        out.printf(
            Locale.ROOT,
            format,
            pair.name(),
            "-",
            "-",
            "-",
            fmt(pair.baseline()),
            fmt(pair.minimumRatio()),
            "NOT RUN (no benchmark named " + (strata == null ? pair.strata() : pair.raw()) + ")");
        notRun++;
        continue;
      }
      double ratio = strata / raw;
      measuredRatios.put(pair.name(), ratio);
      boolean ok = ratio >= pair.minimumRatio();
      if (!ok) {
        failures++;
      }
      out.printf(
          Locale.ROOT,
          format,
          pair.name(),
          fmtScore(strata),
          fmtScore(raw),
          fmt(ratio),
          fmt(pair.baseline()),
          fmt(pair.minimumRatio()),
          ok ? "ok" : "REGRESSED");
    }
    out.println("(speeds are operations per second; ratio = strata / raw, higher is better)");

    if (update) {
      baseline.writeBaselines(measuredRatios);
      out.println("updated " + measuredRatios.size() + " baseline(s) in " + baselinePath);
      return notRun == 0 ? 0 : 2;
    }
    if (failures + notRun > 0) {
      out.println(
          "FAILED: "
              + failures
              + " pair(s) regressed, "
              + notRun
              + " did not run, of "
              + pairs.size());
      return notRun > 0 ? 2 : 1;
    }
    out.println("PASSED: " + pairs.size() + " pair(s) within tolerance");
    return 0;
  }

  /** Runs every benchmark of the pairs once and returns its speed (ops per second) by name. */
  private Map<String, Double> measure(Collection<BenchmarkPair> pairs) throws Exception {
    Set<String> benchmarks = new LinkedHashSet<>();
    for (BenchmarkPair pair : pairs) {
      benchmarks.add(pair.strata());
      benchmarks.add(pair.raw());
    }
    ChainedOptionsBuilder options =
        new OptionsBuilder()
            .forks(forks)
            .warmupIterations(warmupIterations)
            .warmupTime(TimeValue.seconds(seconds))
            .measurementIterations(iterations)
            .measurementTime(TimeValue.seconds(seconds))
            .verbosity(VerboseMode.SILENT)
            .resultFormat(ResultFormatType.JSON)
            .result(resultsPath.toString());
    for (String benchmark : benchmarks) {
      options.include("(^|\\.)" + Pattern.quote(benchmark) + "$");
    }
    if (resultsPath.getParent() != null) {
      Files.createDirectories(resultsPath.getParent());
    }
    Collection<RunResult> results = new Runner(options.build()).run();
    Map<String, Double> scores = new LinkedHashMap<>();
    for (RunResult result : results) {
      String fullName = result.getParams().getBenchmark();
      for (String benchmark : benchmarks) {
        if (fullName.equals(benchmark) || fullName.endsWith("." + benchmark)) {
          Double previous = scores.put(benchmark, opsPerSecond(result.getPrimaryResult()));
          if (previous != null) {
            throw new RunnerException(
                benchmark
                    + " ran more than once (several @Param values?); a pair needs benchmarks"
                    + " with one parameter set");
          }
        }
      }
    }
    return scores;
  }

  /** Converts a throughput ("ops/s", "ops/ms", ...) or a time per operation ("ns/op", ...). */
  private static double opsPerSecond(Result<?> result) {
    String unit = result.getScoreUnit();
    double score = result.getScore();
    if (unit.startsWith("ops/")) {
      return score / seconds(unit.substring(4));
    }
    if (unit.endsWith("/op")) {
      return 1 / (score * seconds(unit.substring(0, unit.length() - 3)));
    }
    throw new IllegalArgumentException("cannot compare results in unit '" + unit + "'");
  }

  private static double seconds(String unit) {
    return switch (unit) {
      case "ns" -> 1e-9;
      case "us" -> 1e-6;
      case "ms" -> 1e-3;
      case "s" -> 1;
      case "min" -> 60;
      default -> throw new IllegalArgumentException("unknown time unit '" + unit + "'");
    };
  }

  private static String fmt(double ratio) {
    return String.format(Locale.ROOT, "%.3f", ratio);
  }

  private static String fmtScore(double opsPerSecond) {
    return String.format(Locale.ROOT, "%,.0f", opsPerSecond);
  }
}
