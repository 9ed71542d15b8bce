/** Runnable examples of Strata in a service: caches in front of a database, and more to come. */
@NullMarked
package dev.strata.samples;

import org.jspecify.annotations.NullMarked;
