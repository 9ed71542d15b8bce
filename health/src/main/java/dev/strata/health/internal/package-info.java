/**
 * Implementation of the health module: check execution, rendering and HTTP routing. Not an API;
 * users need nothing from here.
 */
@org.jspecify.annotations.NullMarked
package dev.strata.health.internal;
