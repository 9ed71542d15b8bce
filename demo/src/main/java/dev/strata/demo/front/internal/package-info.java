/**
 * The front balancer's implementation: the endpoint set on strata-lb and strata-health, the proxy
 * and admin handlers and a small HTTP/1.1 upstream client. Not API.
 */
@NullMarked
package dev.strata.demo.front.internal;

import org.jspecify.annotations.NullMarked;
