/** Strata's Micrometer meter binders, registered with the application's meter registry. */
@NullMarked
package dev.strata.boot.metrics;

import org.jspecify.annotations.NullMarked;
