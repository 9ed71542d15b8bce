package dev.strata.demo.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart drawn as inline SVG: series over a shared x axis (seconds), vertical markers, axes
 * with ticks. Every data point is a small circle carrying a {@code data-tip} attribute that the
 * report's script shows on hover. Not thread-safe: build, then {@link #render()}.
 */
public final class SvgChart {
  private static final int WIDTH = 900;
  private static final int HEIGHT = 280;
  private static final int LEFT = 56;
  private static final int RIGHT = 16;
  private static final int TOP = 16;
  private static final int BOTTOM = 36;

  private final String id;
  private final String yLabel;
  private final List<Series> series = new ArrayList<>();
  private final List<Marker> markers = new ArrayList<>();

  private record Series(String name, String color, double[] xs, double[] ys) {}

  /**
   * Starts a chart.
   *
   * @param id the SVG element's id
   * @param yLabel the y axis' label
   */
  public SvgChart(String id, String yLabel) {
    this.id = id;
    this.yLabel = yLabel;
  }

  /**
   * Adds a series.
   *
   * @param name the legend text
   * @param color a CSS color
   * @param xs x values in seconds
   * @param ys y values, as many as {@code xs}
   * @return this chart
   * @throws IllegalArgumentException when the arrays differ in length
   */
  public SvgChart series(String name, String color, double[] xs, double[] ys) {
    if (xs.length != ys.length) {
      throw new IllegalArgumentException(
          "series " + name + ": " + xs.length + " x values but " + ys.length + " y values");
    }
    series.add(new Series(name, color, xs.clone(), ys.clone()));
    return this;
  }

  /**
   * Adds a vertical marker.
   *
   * @param marker the marker; its offset is converted to seconds
   * @return this chart
   */
  public SvgChart marker(Marker marker) {
    markers.add(marker);
    return this;
  }

  /** Returns the chart as an {@code <svg>} element. */
  public String render() {
    double maxX = 1;
    double maxY = 1;
    for (Series s : series) {
      for (double x : s.xs) {
        maxX = Math.max(maxX, x);
      }
      for (double y : s.ys) {
        maxY = Math.max(maxY, y);
      }
    }
    for (Marker m : markers) {
      maxX = Math.max(maxX, m.offsetMillis() / 1000.0);
    }
    maxY = niceCeiling(maxY);
    double plotW = WIDTH - LEFT - RIGHT;
    double plotH = HEIGHT - TOP - BOTTOM;
    final double fx = plotW / maxX;
    final double fy = plotH / maxY;
    StringBuilder svg = new StringBuilder();
    svg.append(
        String.format(
            Locale.ROOT,
            "<svg id=\"%s\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\""
                + " width=\"%d\" height=\"%d\" role=\"img\">%n",
            Html.escape(id),
            WIDTH,
            HEIGHT,
            WIDTH,
            HEIGHT));
    // grid and y ticks
    for (int i = 0; i <= 4; i++) {
      double value = maxY * i / 4;
      double y = TOP + plotH - value * fy;
      svg.append(
          String.format(
              Locale.ROOT,
              "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                  + "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>%n",
              LEFT,
              y,
              WIDTH - RIGHT,
              y,
              LEFT - 6,
              y + 4,
              format(value)));
    }
    // x ticks every ~10 %
    double step = niceStep(maxX / 10);
    for (double x = 0; x <= maxX + 1e-9; x += step) {
      double px = LEFT + x * fx;
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%ss</text>%n",
              px,
              HEIGHT - BOTTOM + 16,
              format(x)));
    }
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>"
                + "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n",
            LEFT,
            TOP,
            LEFT,
            HEIGHT - BOTTOM,
            LEFT,
            HEIGHT - BOTTOM,
            WIDTH - RIGHT,
            HEIGHT - BOTTOM));
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"14\" y=\"%d\" font-size=\"11\" transform=\"rotate(-90 14 %d)\""
                + " text-anchor=\"middle\">%s</text>%n",
            TOP + (int) plotH / 2,
            TOP + (int) plotH / 2,
            Html.escape(yLabel)));
    for (Marker m : markers) {
      double px = LEFT + m.offsetMillis() / 1000.0 * fx;
      svg.append(
          String.format(
              Locale.ROOT,
              "<g class=\"marker marker-%s\" data-tip=\"%s\"><line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\""
                  + " y2=\"%d\" stroke=\"%s\" stroke-dasharray=\"4 3\" stroke-width=\"2\"/>"
                  + "<title>%s</title></g>%n",
              Html.escape(m.kind()),
              Html.escape(
                  String.format(Locale.ROOT, "%.1f s: %s", m.offsetMillis() / 1000.0, m.label())),
              px,
              TOP,
              px,
              HEIGHT - BOTTOM,
              markerColor(m.kind()),
              Html.escape(m.label())));
    }
    for (Series s : series) {
      StringBuilder points = new StringBuilder();
      StringBuilder dots = new StringBuilder();
      for (int i = 0; i < s.xs.length; i++) {
        double px = LEFT + s.xs[i] * fx;
        double py = TOP + plotH - s.ys[i] * fy;
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
        dots.append(
            String.format(
                Locale.ROOT,
                "<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\" data-tip=\"%s\"/>",
                px,
                py,
                s.color,
                Html.escape(
                    String.format(
                        Locale.ROOT, "%s at %ss: %s", s.name, format(s.xs[i]), format(s.ys[i])))));
      }
      svg.append(
          String.format(
              Locale.ROOT,
              "<g class=\"series\" data-series=\"%s\"><polyline fill=\"none\" stroke=\"%s\""
                  + " stroke-width=\"1.5\" points=\"%s\"/>%s</g>%n",
              Html.escape(s.name),
              s.color,
              points.toString().trim(),
              dots));
    }
    svg.append("</svg>\n");
    return svg.toString();
  }

  /** Returns the legend of the series and of the marker kinds present, as HTML. */
  public String legend() {
    StringBuilder html = new StringBuilder("<div class=\"legend\">");
    for (Series s : series) {
      html.append("<span><i style=\"background:")
          .append(s.color)
          .append("\"></i>")
          .append(Html.escape(s.name))
          .append("</span>");
    }
    String[][] kinds = {
      {"kill", "SIGKILL"},
      {"down", "out of selection"},
      {"restart", "restart / back"},
      {"deploy", "deploy step"},
      {"phase", "phase start"}
    };
    for (String[] kind : kinds) {
      if (markers.stream().anyMatch(m -> m.kind().equals(kind[0]))) {
        html.append("<span><i style=\"background:")
            .append(markerColor(kind[0]))
            .append(";width:3px\"></i>")
            .append(kind[1])
            .append("</span>");
      }
    }
    return html.append("</div>").toString();
  }

  private static String markerColor(String kind) {
    return switch (kind) {
      case "kill" -> "#d62728";
      case "down" -> "#ff7f0e";
      case "restart" -> "#2ca02c";
      case "deploy" -> "#9467bd";
      default -> "#bbb";
    };
  }

  static double niceCeiling(double value) {
    double step = niceStep(value / 4);
    return step * Math.ceil(value / step);
  }

  static double niceStep(double raw) {
    if (raw <= 0) {
      return 1;
    }
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    double fraction = raw / magnitude;
    double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
    return nice * magnitude;
  }

  private static String format(double value) {
    return value == Math.rint(value)
        ? Long.toString((long) value)
        : String.format(Locale.ROOT, "%.1f", value);
  }
}
