/**
 * JMH benchmarks of Strata's hot paths. Every benchmark class puts the raw building block
 * (Caffeine, Lettuce, JDBC, ...) beside the Strata method that wraps it, so one run shows their
 * ratio.
 */
@NullMarked
package dev.strata.jmh;

import org.jspecify.annotations.NullMarked;
