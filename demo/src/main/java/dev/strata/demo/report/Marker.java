package dev.strata.demo.report;

import java.util.Objects;

/**
 * A moment of the scenario worth marking on the charts: a kill, a restart, a deploy step.
 *
 * @param offsetMillis milliseconds since the scenario's start
 * @param kind a short machine-readable kind ({@code kill}, {@code down}, {@code restart}, {@code
 *     deploy}, {@code phase})
 * @param label the text shown to a reader
 */
public record Marker(long offsetMillis, String kind, String label) {

  /** Checks the fields. */
  public Marker {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(label, "label");
  }
}
