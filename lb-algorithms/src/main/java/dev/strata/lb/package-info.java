/**
 * Client-side load balancing: an {@link dev.strata.lb.EndpointPool} of {@link
 * dev.strata.lb.Endpoint}s with live membership and health, and a {@link
 * dev.strata.lb.LoadBalancer} that picks an endpoint per request with one of the {@link
 * dev.strata.lb.Selectors}, learns from completed requests, ejects outliers, honours a panic
 * threshold and ramps new endpoints up slowly.
 */
@NullMarked
package dev.strata.lb;

import org.jspecify.annotations.NullMarked;
