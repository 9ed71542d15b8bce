package dev.strata.health.internal;

import dev.strata.health.CheckRun;
import dev.strata.health.HealthReport;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Renders a {@link HealthReport} as plain text, one fact per line. Line breaks inside names, detail
 * values and errors are replaced by spaces so every fact stays on one line. Stateless.
 */
public final class TextReportWriter {

  private TextReportWriter() {}

  /**
   * Renders a report.
   *
   * @param report the report, not null
   * @param includeDetails false renders only the status line
   * @return the text, ending with a newline
   */
  public static String write(HealthReport report, boolean includeDetails) {
    StringBuilder out = new StringBuilder();
    out.append("status: ").append(report.status()).append('\n');
    if (!includeDetails) {
      return out.toString();
    }
    if (report.group() != null) {
      out.append("group: ").append(report.group().name()).append('\n');
    }
    out.append("timestamp: ").append(report.timestamp()).append('\n');
    out.append("uptime: ").append(report.uptime().toMillis()).append(" ms\n");
    for (CheckRun o : report.checks().values()) {
      out.append("check ")
          .append(oneLine(o.name()))
          .append(": ")
          .append(o.status())
          .append(o.critical() ? " (critical, " : " (non-critical, ")
          .append(JsonReportWriter.millis(new StringBuilder(), o.duration()))
          .append(" ms)\n");
      for (Map.Entry<String, @Nullable Object> e : o.details().entrySet()) {
        out.append("  ")
            .append(oneLine(e.getKey()))
            .append(": ")
            .append(oneLine(String.valueOf(e.getValue())))
            .append('\n');
      }
      String error = o.error();
      if (error != null) {
        out.append("  error: ").append(oneLine(error)).append('\n');
      }
    }
    return out.toString();
  }

  private static String oneLine(String s) {
    return s.replace('\r', ' ').replace('\n', ' ');
  }
}
