/**
 * Strata beside the libraries users would pick instead (Redisson, JetCache, Spring Data Redis,
 * Spring Session, Spring Cloud LoadBalancer): one class per area, every peer configured as stated
 * in its class's Javadoc, all on the same data and the same private redis-server in one run. See
 * {@code jmh/README.md}.
 */
@NullMarked
package dev.strata.jmh.peer;

import org.jspecify.annotations.NullMarked;
