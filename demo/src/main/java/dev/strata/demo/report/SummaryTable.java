package dev.strata.demo.report;

import java.util.Locale;

/** Renders a {@link DemoSummary} as the plain-text table printed at the end of the scenario. */
public final class SummaryTable {
  private SummaryTable() {}

  /**
   * Renders the table.
   *
   * @param summary the summary
   * @return the table, lines separated by {@code \n}, ending with the overall result line
   */
  public static String render(DemoSummary summary) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "Scale-out demo summary (%s scenario, %d users, %d instances, %.1f s wall time)%n",
            summary.scenario(),
            summary.users(),
            summary.instances().size(),
            summary.wallTimeMillis() / 1000.0));
    StringBuilder header =
        new StringBuilder(String.format(Locale.ROOT, "%-22s %7s", "phase", "time"));
    for (String id : summary.instances()) {
      header.append(String.format(Locale.ROOT, " %7s", id));
    }
    header.append(
        String.format(
            Locale.ROOT, " %9s %7s %8s %10s", "requests", "failed", "retried", "hit ratio"));
    out.append(header).append('\n');
    out.append("-".repeat(header.length())).append('\n');
    for (PhaseRow row : summary.phases()) {
      out.append(
          String.format(Locale.ROOT, "%-22s %6.1fs", row.name(), row.durationMillis() / 1000.0));
      for (String id : summary.instances()) {
        out.append(
            String.format(Locale.ROOT, " %7d", row.requestsPerInstance().getOrDefault(id, 0L)));
      }
      out.append(
          String.format(
              Locale.ROOT,
              " %9d %7d %8d %10s%n",
              row.requests(),
              row.failed(),
              row.retried(),
              percent(row.hitRatio())));
    }
    out.append('\n');
    line(out, "requests through the front", Long.toString(summary.requests()));
    line(out, "failed requests", Long.toString(summary.failedRequests()));
    line(out, "retried requests", Long.toString(summary.retriedRequests()));
    line(out, "users logged out", Long.toString(summary.usersLoggedOut()));
    line(
        out,
        "cart items lost",
        summary.cartItemsLost() + " (of " + summary.cartItemsAcknowledged() + " acknowledged)");
    line(out, "cache hit ratio", percent(summary.hitRatio()));
    line(
        out,
        "database queries saved",
        summary.databaseQueriesSaved()
            + " ("
            + summary.productReads()
            + " product reads, "
            + summary.databaseQueries()
            + " database queries)");
    line(
        out,
        "latency through the front",
        String.format(
            Locale.ROOT, "p50 %.1f ms, p99 %.1f ms", summary.p50Millis(), summary.p99Millis()));
    KillCheck kill = summary.kill();
    if (kill != null) {
      line(
          out,
          "killed " + kill.instance(),
          String.format(
              Locale.ROOT,
              "out of selection %d ms after SIGKILL (%d attempts reached it first, retried), %d"
                  + " requests sent to it while down, %d answered after restart",
              kill.markedDownAfterMillis(),
              kill.failedAttemptsBeforeDown(),
              kill.requestsSentWhileDown(),
              kill.servedAfterRestart()));
    }
    if (!summary.invalidation().isEmpty()) {
      long max =
          summary.invalidation().stream().mapToLong(InvalidationCheck::delayMillis).max().orElse(0);
      boolean missed = summary.invalidation().stream().anyMatch(c -> c.delayMillis() < 0);
      line(
          out,
          "price update seen elsewhere",
          missed
              ? "NOT within " + summary.invalidationBoundMillis() + " ms on some instance"
              : "after at most "
                  + max
                  + " ms on every other instance ("
                  + summary.invalidation().size()
                  + " checks, bound "
                  + summary.invalidationBoundMillis()
                  + " ms)");
    }
    out.append('\n');
    if (summary.passed()) {
      out.append("RESULT: PASS (failed requests = 0, users logged out = 0, cart items lost = 0)\n");
    } else {
      out.append("RESULT: FAIL\n");
      for (String problem : summary.problems()) {
        out.append("  - ").append(problem).append('\n');
      }
    }
    return out.toString();
  }

  private static void line(StringBuilder out, String name, String value) {
    out.append(String.format(Locale.ROOT, "  %-28s %s%n", name, value));
  }

  static String percent(double ratio) {
    return Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.1f%%", ratio * 100);
  }
}
