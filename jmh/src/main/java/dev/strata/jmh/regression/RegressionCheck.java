package dev.strata.jmh.regression;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
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
 * <p>Usage: {@code RegressionCheck [--baseline FILE] [--pairs a,b] [--update] [--rounds N] [--forks
 * N] [--warmup-iterations N] [--iterations N] [--time SECONDS]}. With several rounds every pair is
 * measured once per round (its two benchmarks back to back, so they see similar machine load) and
 * the median of the rounds' ratios counts. Exit status 0 when every pair passes (or the baseline
 * was updated), 1 when a ratio regressed (or, also with {@code --update}, Strata was slower than a
 * peer pair's peer beyond its tolerance), 2 on bad usage or a benchmark that could not be run.
 * JMH's JSON results are kept in {@code jmh/target/regression/} (one file per pair and round).
 */
public final class RegressionCheck {

  private Path baselinePath = Path.of("jmh/baseline.txt");
  private Path resultsDirectory = Path.of("jmh/target/regression");
  private Set<String> selected = new LinkedHashSet<>();
  private boolean update;
  private int rounds = 1;
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
        case "--results" -> resultsDirectory = Path.of(value(args, ++i, arg));
        case "--pairs" -> selected = new LinkedHashSet<>(List.of(value(args, ++i, arg).split(",")));
        case "--rounds" -> rounds = positive(value(args, ++i, arg), arg);
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

    Map<String, List<double[]>> measured = new LinkedHashMap<>();
    pairs.forEach(pair -> measured.put(pair.name(), new ArrayList<>()));
    try {
      for (int round = 0; round < rounds; round++) {
        for (BenchmarkPair pair : pairs) {
          Map<String, Double> scores =
              measure(
                  pair, resultsDirectory.resolve(pair.name() + "-round" + (round + 1) + ".json"));
          Double strataScore = scores.get(pair.strata());
          Double rawScore = scores.get(pair.raw());
          if (strataScore != null && rawScore != null) {
            measured.get(pair.name()).add(new double[] {strataScore, rawScore});
          }
        }
      }
    } catch (RunnerException e) {
      System.err.println("regression-check: JMH failed: " + e.getMessage());
      return 2;
    }

    String format = "%-28s %16s %16s %8s %9s %9s  %s%n";
    out.printf(
        Locale.ROOT, format, "pair", "strata", "raw", "ratio", "baseline", "minimum", "status");
    int failures = 0;
    int peerFailures = 0;
    int notRun = 0;
    Map<String, Double> measuredRatios = new LinkedHashMap<>();
    for (BenchmarkPair pair : pairs) {
      List<double[]> runs = measured.get(pair.name());
      if (runs.isEmpty()) {
        out.printf(
            Locale.ROOT,
            format,
            pair.name(),
            "-",
            "-",
            "-",
            pair.baselineText(),
            fmt(pair.minimumRatio()),
            "NOT RUN (is there a benchmark " + pair.strata() + " and " + pair.raw() + "?)");
        notRun++;
        continue;
      }
      List<Double> ratios = new ArrayList<>();
      List<Double> strataScores = new ArrayList<>();
      List<Double> rawScores = new ArrayList<>();
      for (double[] run : runs) {
        strataScores.add(run[0]);
        rawScores.add(run[1]);
        ratios.add(run[0] / run[1]);
      }
      double ratio = median(ratios);
      measuredRatios.put(pair.name(), ratio);
      boolean ok = ratio >= pair.minimumRatio();
      if (!ok) {
        failures++;
        if (pair.peer()) {
          peerFailures++;
        }
      }
      out.printf(
          Locale.ROOT,
          format,
          pair.name(),
          fmtScore(median(strataScores)),
          fmtScore(median(rawScores)),
          fmt(ratio),
          pair.baselineText(),
          fmt(pair.minimumRatio()),
          ok ? "ok" : pair.peer() ? "SLOWER THAN PEER" : "REGRESSED");
    }
    out.println(
        "(speeds are operations per second; ratio = strata / raw (or peer), higher is better"
            + (rounds > 1 ? "; medians of " + rounds + " rounds)" : ")"));

    if (update) {
      pairs.stream().filter(BenchmarkPair::peer).forEach(p -> measuredRatios.remove(p.name()));
      baseline.writeBaselines(measuredRatios);
      out.println(
          "updated "
              + measuredRatios.size()
              + " baseline(s) in "
              + baselinePath
              + " (peer pairs keep their fixed 1.0)");
      if (peerFailures > 0) {
        out.println("FAILED: " + peerFailures + " pair(s) slower than their peer");
      }
      return notRun > 0 ? 2 : peerFailures > 0 ? 1 : 0;
    }
    if (failures + notRun > 0) {
      out.println(
          "FAILED: "
              + failures
              + " pair(s) regressed or slower than their peer, "
              + notRun
              + " did not run, of "
              + pairs.size());
      return notRun > 0 ? 2 : 1;
    }
    out.println("PASSED: " + pairs.size() + " pair(s) within tolerance");
    return 0;
  }

  /** Runs the two benchmarks of a pair and returns their speeds (ops per second) by name. */
  private Map<String, Double> measure(BenchmarkPair pair, Path resultsFile) throws Exception {
    Set<String> benchmarks = new LinkedHashSet<>(List.of(pair.strata(), pair.raw()));
    ChainedOptionsBuilder options =
        new OptionsBuilder()
            .forks(forks)
            .warmupIterations(warmupIterations)
            .warmupTime(TimeValue.seconds(seconds))
            .measurementIterations(iterations)
            .measurementTime(TimeValue.seconds(seconds))
            .verbosity(VerboseMode.SILENT)
            .resultFormat(ResultFormatType.JSON)
            .result(resultsFile.toString());
    for (String benchmark : benchmarks) {
      options.include("(^|\\.)" + Pattern.quote(benchmark) + "$");
    }
    Files.createDirectories(resultsDirectory);
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

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static String fmt(double ratio) {
    return String.format(Locale.ROOT, "%.3f", ratio);
  }

  private static String fmtScore(double opsPerSecond) {
    return String.format(Locale.ROOT, "%,.0f", opsPerSecond);
  }
}
