package dev.strata.demo;

import dev.strata.demo.report.HtmlReport;
import dev.strata.demo.report.SummaryJson;
import dev.strata.demo.report.SummaryTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The scale-out demo: starts Redis, a database, three instances of the demo service as separate
 * JVMs and a front balancer, then runs a scenario through the front with simulated users (one
 * instance killed with SIGKILL and restarted, a price update crossing the instances, a rolling
 * deploy), prints a summary table and writes the HTML report (and the JSON summary when asked).
 *
 * <p>Run {@code java -jar demo/target/strata-demo.jar --help} for the options. The exit code is 0
 * when failed requests, users logged out and cart items lost are all 0 and every other check held,
 * 1 otherwise, 2 for bad options. Every process started is stopped at the end, on failure and on
 * Ctrl-C.
 */
public final class ScaleOutDemo {
  static final int INSTANCES = 3;
  static final int PRODUCTS = 200;

  private ScaleOutDemo() {}

  /** What one run produced, for the caller (and the CI test). */
  record Outcome(int exitCode, Scenario.@Nullable Result result, List<ProcessHandle> started) {}

  /**
   * Runs the demo and exits with its exit code.
   *
   * @param args command-line options ({@code --help} lists them)
   */
  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "dev/strata/demo/orchestrator-logback.xml");
    }
    DemoOptions options;
    try {
      options = DemoOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(DemoOptions.USAGE);
      System.exit(2);
      return;
    }
    if (options.help()) {
      System.out.print(DemoOptions.USAGE);
      return;
    }
    System.exit(execute(options, System.out, System.in).exitCode());
  }

  /**
   * Runs the demo with parsed options.
   *
   * @param options the options
   * @param out where the steps and the summary are printed
   * @param in the console, read in interactive mode only
   * @return the exit code, the scenario's result (absent in interactive mode or when start-up
   *     failed) and every process that was started (all stopped by now)
   */
  static Outcome execute(DemoOptions options, PrintStream out, InputStream in) {
    long startNanos = System.nanoTime();
    Path runDir;
    try {
      runDir = Files.createTempDirectory("strata-demo-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the run directory", e);
    }
    DemoCluster cluster = new DemoCluster(out, runDir);
    Thread hook = new Thread(cluster::close, "strata-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    Scenario.Result result = null;
    int exitCode;
    try {
      out.println(
          "Strata scale-out demo: starting Redis, the database, "
              + INSTANCES
              + " service JVMs and the front");
      cluster.start(INSTANCES, PRODUCTS);
      out.printf("  everything up after %.1f s%n%n", (System.nanoTime() - startNanos) / 1e9);
      if (options.interactive()) {
        new InteractiveConsole(cluster, out).run(in);
        exitCode = 0;
      } else {
        Scenario.Settings settings =
            options.quick()
                ? Scenario.Settings.quick(options.users())
                : Scenario.Settings.full(options.users());
        result = new Scenario(cluster, out, settings, PRODUCTS).run(startNanos);
        out.println();
        out.print(SummaryTable.render(result.summary()));
        HtmlReport.write(result.summary(), options.report());
        out.println("HTML report: " + options.report().toAbsolutePath());
        Path summary = options.summary();
        if (summary != null) {
          SummaryJson.write(result.summary(), summary);
          out.println("JSON summary: " + summary.toAbsolutePath());
        }
        exitCode = result.summary().passed() ? 0 : 1;
      }
    } catch (RuntimeException e) {
      out.println();
      out.println("DEMO FAILED: " + e.getMessage());
      out.println("service logs are in " + runDir.toAbsolutePath());
      exitCode = 1;
    } finally {
      out.println("stopping every process started...");
      cluster.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down: the hook runs anyway (close is idempotent)
      }
    }
    out.printf("done in %.1f s, exit code %d%n", (System.nanoTime() - startNanos) / 1e9, exitCode);
    return new Outcome(exitCode, result, cluster.startedProcesses());
  }
}
