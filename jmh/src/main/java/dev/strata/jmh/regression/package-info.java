/**
 * The benchmark regression check: runs pairs of a Strata benchmark and its raw twin briefly and
 * compares each pair's throughput ratio with a committed baseline. See {@code jmh/README.md}.
 */
@NullMarked
package dev.strata.jmh.regression;

import org.jspecify.annotations.NullMarked;
