/**
 * The scenario's summary: a table on the console, JSON and a self-contained HTML report with
 * charts.
 */
@NullMarked
package dev.strata.demo.report;

import org.jspecify.annotations.NullMarked;
