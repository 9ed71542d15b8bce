package dev.strata.lb.sim;

import dev.strata.lb.Selectors;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints a comparison table of every selector on named scenarios.
 *
 * <pre>
 * java -cp lb-algorithms/target/classes dev.strata.lb.sim.SimulatorCommand [scenario...]
 *     [--seconds=N] [--seed=N]
 * </pre>
 *
 * <p>Scenarios: {@code linkerd} (default), {@code fail-fast}, {@code heterogeneous}, {@code
 * failing}, {@code failing-many}, or {@code all}. The output is a Markdown table per scenario.
 */
public final class SimulatorCommand {

  private SimulatorCommand() {}

  /**
   * Runs the command; arguments as in the class description. Exits with status 2 on bad arguments.
   *
   * @param args scenario names and options
   */
  public static void main(String[] args) {
    List<String> names = new ArrayList<>();
    Duration duration = null;
    Long seed = null;
    try {
      for (String arg : args) {
        if (arg.startsWith("--seconds=")) {
          duration = Duration.ofSeconds(Long.parseLong(arg.substring("--seconds=".length())));
        } else if (arg.startsWith("--seed=")) {
          seed = Long.parseLong(arg.substring("--seed=".length()));
        } else if (arg.equals("all")) {
          names.addAll(Scenario.catalogue().keySet());
        } else {
          Scenario.named(arg); // validates the name
          names.add(arg);
        }
      }
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(
          "usage: SimulatorCommand [linkerd|fail-fast|heterogeneous|failing|failing-many|all]..."
              + " [--seconds=N] [--seed=N]");
      System.exit(2);
      return;
    }
    if (names.isEmpty()) {
      names.add("linkerd");
    }
    for (String name : names) {
      Scenario scenario = Scenario.named(name);
      if (duration != null) {
        scenario = scenario.withDuration(duration);
      }
      if (seed != null) {
        scenario = scenario.withSeed(seed);
      }
      print(scenario, Simulation.runAll(scenario), System.out);
    }
  }

  /**
   * Writes one scenario's comparison table as Markdown.
   *
   * @param scenario the scenario that was run
   * @param results its results, one per selector
   * @param out where to write
   */
  public static void print(Scenario scenario, List<SimulationResult> results, PrintStream out) {
    out.printf(
        Locale.ROOT,
        "%n#### %s: %s (seed %d, %d s, %d selectors)%n%n",
        scenario.name(),
        scenario.description(),
        scenario.seed(),
        scenario.duration().toSeconds(),
        Selectors.all().size());
    out.println(
        "| selector | p50 ms | p99 ms | p99.9 ms | success % | max at one server |"
            + " load share % per server |");
    out.println("|---|---:|---:|---:|---:|---:|---|");
    for (SimulationResult r : results) {
      StringBuilder shares = new StringBuilder();
      for (double share : r.loadShares()) {
        shares.append(shares.length() == 0 ? "" : " ").append(format("%.1f", share * 100));
      }
      out.println(
          "| "
              + r.selector()
              + " | "
              + format("%.1f", r.p50Nanos() / 1e6)
              + " | "
              + format("%.1f", r.p99Nanos() / 1e6)
              + " | "
              + format("%.1f", r.p999Nanos() / 1e6)
              + " | "
              + format("%.2f", r.successRate() * 100)
              + " | "
              + r.maxAtAnyServer()
              + " | "
              + shares
              + " |");
    }
  }

  private static String format(String pattern, double value) {
    return String.format(Locale.ROOT, pattern, value);
  }
}
