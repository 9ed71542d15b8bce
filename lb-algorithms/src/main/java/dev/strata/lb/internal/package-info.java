/**
 * Implementation of the load balancer: per-endpoint state, pool snapshots and the selection
 * algorithms. Users never need these types; they are reached through {@link
 * dev.strata.lb.Selectors} and {@link dev.strata.lb.LoadBalancer}.
 */
@NullMarked
package dev.strata.lb.internal;

import org.jspecify.annotations.NullMarked;
