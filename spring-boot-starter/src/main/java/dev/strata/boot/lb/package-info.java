/** Endpoint pools from properties and a load-balanced {@code RestClient}. */
@NullMarked
package dev.strata.boot.lb;

import org.jspecify.annotations.NullMarked;
