/**
 * Implementation of active endpoint checking: the built-in HTTP and TCP probes behind {@link
 * dev.strata.health.active.EndpointProbe}'s factories. Not an API; users need nothing from here.
 */
@org.jspecify.annotations.NullMarked
package dev.strata.health.active.internal;
