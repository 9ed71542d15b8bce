/**
 * The demo's front balancer: a small HTTP reverse proxy on strata-lb with active health checks,
 * outlier ejection and retries of idempotent requests.
 */
@NullMarked
package dev.strata.demo.front;

import org.jspecify.annotations.NullMarked;
