package dev.strata.demo.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Renders a {@link DemoSummary} as one self-contained HTML page: the key numbers, the phase table,
 * two inline SVG charts (requests per instance over time with the kill, restart and deploy steps
 * marked; latency percentiles over time) and a small inline script for hover tooltips. No external
 * resource is referenced. Thread-safe (stateless).
 */
public final class HtmlReport {
  private static final String[] COLORS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b"};

  private HtmlReport() {}

  /**
   * Renders the page.
   *
   * @param summary the summary
   * @return the HTML document
   */
  public static String render(DemoSummary summary) {
    Timeline timeline = summary.timeline();
    List<TimelineBucket> buckets = timeline.buckets();
    double perSecond = 1000.0 / timeline.bucketMillis();
    double[] xs = new double[buckets.size()];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = buckets.get(i).offsetMillis() / 1000.0;
    }
    SvgChart requests = new SvgChart("requests-chart", "requests/s answered");
    int color = 0;
    for (String id : summary.instances()) {
      double[] ys = new double[buckets.size()];
      for (int i = 0; i < ys.length; i++) {
        ys[i] = buckets.get(i).requestsPerInstance().getOrDefault(id, 0L) * perSecond;
      }
      requests.series(id, COLORS[color++ % COLORS.length], xs, ys);
    }
    double[] failed = new double[buckets.size()];
    double[] p50 = new double[buckets.size()];
    double[] p99 = new double[buckets.size()];
    for (int i = 0; i < buckets.size(); i++) {
      failed[i] = buckets.get(i).failed() * perSecond;
      p50[i] = buckets.get(i).p50Millis();
      p99[i] = buckets.get(i).p99Millis();
    }
    requests.series("failed", "#d62728", xs, failed);
    SvgChart latency =
        new SvgChart("latency-chart", "latency through the front (ms)")
            .series("p50", "#1f77b4", xs, p50)
            .series("p99", "#d62728", xs, p99);
    for (Marker marker : timeline.markers()) {
      requests.marker(marker);
      latency.marker(marker);
    }

    StringBuilder html = new StringBuilder(64 * 1024);
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
        .append("<title>Strata scale-out demo report</title>\n<style>\n")
        .append(
            "body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:980px}"
                + "table{border-collapse:collapse;margin:8px 0 16px}"
                + "td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}"
                + "th:first-child,td:first-child{text-align:left}"
                + ".pass{color:#fff;background:#2ca02c;padding:2px 8px;border-radius:4px}"
                + ".fail{color:#fff;background:#d62728;padding:2px 8px;border-radius:4px}"
                + ".cards{display:flex;flex-wrap:wrap;gap:8px}"
                + ".card{border:1px solid #ccc;border-radius:6px;padding:8px 12px;min-width:130px}"
                + ".card b{display:block;font-size:22px}"
                + ".legend span{margin-right:14px}.legend i{display:inline-block;width:12px;"
                + "height:12px;margin-right:4px;vertical-align:middle}"
                + "#tip{position:fixed;top:12px;right:12px;display:none;background:#222;color:#fff;padding:3px 6px;"
                + "border-radius:3px;font-size:12px;pointer-events:none}"
                + "svg.chart{border:1px solid #eee}\n")
        .append("</style></head><body>\n")
        .append("<h1>Strata scale-out demo</h1>\n<p>")
        .append(
            summary.passed()
                ? "<span class=\"pass\" id=\"result\">PASS</span>"
                : "<span class=\"fail\" id=\"result\">FAIL</span>")
        .append(
            Html.escape(
                String.format(
                    Locale.ROOT,
                    " %s scenario, %d simulated users, %d instances behind one front balancer, %.1f s",
                    summary.scenario(),
                    summary.users(),
                    summary.instances().size(),
                    summary.wallTimeMillis() / 1000.0)))
        .append("</p>\n");
    if (!summary.passed()) {
      html.append("<ul id=\"problems\">");
      for (String problem : summary.problems()) {
        html.append("<li>").append(Html.escape(problem)).append("</li>");
      }
      html.append("</ul>\n");
    }
    html.append("<div class=\"cards\">");
    card(html, "failed requests", Long.toString(summary.failedRequests()));
    card(html, "users logged out", Long.toString(summary.usersLoggedOut()));
    card(html, "cart items lost", Long.toString(summary.cartItemsLost()));
    card(html, "retried requests", Long.toString(summary.retriedRequests()));
    card(html, "requests", Long.toString(summary.requests()));
    card(html, "cache hit ratio", SummaryTable.percent(summary.hitRatio()));
    card(html, "DB queries saved", Long.toString(summary.databaseQueriesSaved()));
    card(
        html,
        "p50 / p99",
        String.format(Locale.ROOT, "%.1f / %.1f ms", summary.p50Millis(), summary.p99Millis()));
    html.append("</div>\n");

    html.append("<h2>Requests per instance over time</h2>\n")
        .append(requests.legend())
        .append(requests.render())
        .append("<h2>Latency percentiles over time</h2>\n")
        .append(latency.legend())
        .append(latency.render());

    html.append("<h2>Phases</h2>\n<table id=\"phases\"><tr><th>phase</th><th>time</th>");
    for (String id : summary.instances()) {
      html.append("<th>").append(Html.escape(id)).append("</th>");
    }
    html.append("<th>requests</th><th>failed</th><th>retried</th><th>hit ratio</th></tr>\n");
    for (PhaseRow row : summary.phases()) {
      html.append("<tr><td>")
          .append(Html.escape(row.name()))
          .append("</td><td>")
          .append(String.format(Locale.ROOT, "%.1f s", row.durationMillis() / 1000.0))
          .append("</td>");
      for (String id : summary.instances()) {
        html.append("<td>").append(row.requestsPerInstance().getOrDefault(id, 0L)).append("</td>");
      }
      html.append("<td>")
          .append(row.requests())
          .append("</td><td>")
          .append(row.failed())
          .append("</td><td>")
          .append(row.retried())
          .append("</td><td>")
          .append(SummaryTable.percent(row.hitRatio()))
          .append("</td></tr>\n");
    }
    html.append("</table>\n<h2>Events</h2>\n<ul id=\"events\">");
    for (Marker marker : timeline.markers()) {
      html.append("<li>")
          .append(
              Html.escape(
                  String.format(
                      Locale.ROOT, "%.1f s: %s", marker.offsetMillis() / 1000.0, marker.label())))
          .append("</li>");
    }
    html.append("</ul>\n<h2>Details</h2>\n<pre id=\"table\">")
        .append(Html.escape(SummaryTable.render(summary)))
        .append("</pre>\n<p id=\"js-status\">charts need JavaScript for tooltips</p>\n")
        .append("<div id=\"tip\"></div>\n<script>\n")
        .append(SCRIPT)
        .append("</script>\n</body></html>\n");
    return html.toString();
  }

  /**
   * Writes the page to a file, creating its parent directories.
   *
   * @param summary the summary
   * @param file the target; replaced when it exists
   * @throws UncheckedIOException when the file cannot be written
   */
  public static void write(DemoSummary summary, Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, render(summary), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report to " + file, e);
    }
  }

  private static void card(StringBuilder html, String name, String value) {
    html.append("<div class=\"card\">")
        .append(Html.escape(name))
        .append("<b>")
        .append(Html.escape(value))
        .append("</b></div>");
  }

  private static final String SCRIPT =
      "(function () {\n"
          + "  var tip = document.getElementById('tip');\n"
          + "  function show() {\n"
          + "    tip.textContent = this.getAttribute('data-tip');\n"
          + "    tip.style.display = 'block';\n"
          + "  }\n"
          + "  function hide() { tip.style.display = 'none'; }\n"
          + "  var nodes = document.querySelectorAll('[data-tip]');\n"
          + "  for (var i = 0; i < nodes.length; i++) {\n"
          + "    nodes[i].addEventListener('mouseover', show);\n"
          + "    nodes[i].addEventListener('mouseout', hide);\n"
          + "  }\n"
          + "  var charts = document.querySelectorAll('svg.chart');\n"
          + "  var points = document.querySelectorAll('circle.point');\n"
          + "  document.getElementById('js-status').textContent =\n"
          + "    charts.length + ' charts, ' + points.length + ' data points (hover a point or a"
          + " marker for its value)';\n"
          + "  document.body.setAttribute('data-ready', 'true');\n"
          + "})();\n";
}
