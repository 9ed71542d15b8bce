package dev.strata.health.internal;

import dev.strata.health.CheckRun;
import dev.strata.health.HealthReport;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Renders a {@link HealthReport} as JSON by hand, escaping every string. Stateless. */
public final class JsonReportWriter {

  /** Nesting deeper than this in a detail value is cut off, which also stops cycles. */
  private static final int MAX_DEPTH = 16;

  private JsonReportWriter() {}

  /**
   * Renders a report.
   *
   * @param report the report, not null
   * @param includeDetails false renders only the status
   * @return JSON text
   */
  public static String write(HealthReport report, boolean includeDetails) {
    StringBuilder out = new StringBuilder(includeDetails ? 256 : 24);
    out.append("{\"status\":\"").append(report.status().name()).append('"');
    if (includeDetails) {
      if (report.group() != null) {
        out.append(",\"group\":");
        string(out, report.group().name());
      }
      out.append(",\"timestamp\":");
      string(out, report.timestamp().toString());
      out.append(",\"uptimeMillis\":").append(report.uptime().toMillis());
      out.append(",\"checks\":{");
      boolean first = true;
      for (CheckRun o : report.checks().values()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        string(out, o.name());
        out.append(":{\"status\":\"").append(o.status().name()).append('"');
        out.append(",\"critical\":").append(o.critical());
        millis(out.append(",\"durationMillis\":"), o.duration());
        out.append(",\"checkedAt\":");
        string(out, o.checkedAt().toString());
        if (!o.details().isEmpty()) {
          out.append(",\"details\":");
          value(out, o.details(), 0);
        }
        String error = o.error();
        if (error != null) {
          out.append(",\"error\":");
          string(out, error);
        }
        out.append('}');
      }
      out.append('}');
    }
    return out.append('}').toString();
  }

  /** Appends a duration as milliseconds with three decimals, e.g. {@code 1.734}. */
  static StringBuilder millis(StringBuilder out, Duration d) {
    long micros = Math.max(0, d.toNanos() / 1_000);
    long fraction = micros % 1_000;
    out.append(micros / 1_000).append('.');
    if (fraction < 100) {
      out.append('0');
    }
    if (fraction < 10) {
      out.append('0');
    }
    return out.append(fraction);
  }

  private static void value(StringBuilder out, @Nullable Object v, int depth) {
    if (v == null) {
      out.append("null");
    } else if (v instanceof Boolean) {
      out.append(v);
    } else if (v instanceof Integer
        || v instanceof Long
        || v instanceof Short
        || v instanceof Byte
        || v instanceof BigInteger
        || v instanceof BigDecimal) {
      out.append(v);
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isFinite(d)) {
        out.append(v);
      } else {
        string(out, v.toString());
      }
    } else if (depth >= MAX_DEPTH) {
      string(out, "...");
    } else if (v instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        string(out, String.valueOf(e.getKey()));
        out.append(':');
        value(out, e.getValue(), depth + 1);
      }
      out.append('}');
    } else if (v instanceof Iterable<?> items) {
      out.append('[');
      boolean first = true;
      for (Object item : items) {
        if (!first) {
          out.append(',');
        }
        first = false;
        value(out, item, depth + 1);
      }
      out.append(']');
    } else if (v instanceof Object[] items) {
      value(out, java.util.Arrays.asList(items), depth);
    } else {
      string(out, v.toString());
    }
  }

  /**
   * Appends {@code s} as a JSON string literal: quotes, backslashes and control characters are
   * escaped, as are U+2028/U+2029 and unpaired surrogates, so the output is valid JSON and valid
   * UTF-8 whatever the input.
   *
   * @param out where to append
   * @param s the string
   */
  static void string(StringBuilder out, String s) {
    out.append('"');
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c == '\u2028' || c == '\u2029' || c == 0x7f) {
            unicode(out, c);
          } else if (Character.isHighSurrogate(c)) {
            if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
              out.append(c).append(s.charAt(++i));
            } else {
              unicode(out, c);
            }
          } else if (Character.isLowSurrogate(c)) {
            unicode(out, c);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static void unicode(StringBuilder out, char c) {
    out.append("\\u");
    String hex = Integer.toHexString(c);
    for (int k = hex.length(); k < 4; k++) {
      out.append('0');
    }
    out.append(hex);
  }
}
