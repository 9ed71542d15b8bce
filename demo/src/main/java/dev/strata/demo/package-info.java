/**
 * The scale-out demo: starts Redis, a database, three service instances and a front balancer, then
 * runs a scenario through them.
 */
@NullMarked
package dev.strata.demo;

import org.jspecify.annotations.NullMarked;
