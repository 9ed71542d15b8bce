/** A Spring Boot application using the starter, for the end-to-end test. */
@NullMarked
package dev.strata.boot.it;

import org.jspecify.annotations.NullMarked;
