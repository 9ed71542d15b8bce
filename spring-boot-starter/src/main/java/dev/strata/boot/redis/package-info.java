/**
 * The Redis connection Strata's Redis-backed parts share, from {@code strata.redis.*} or Spring
 * Boot's {@code spring.data.redis.*}.
 */
@NullMarked
package dev.strata.boot.redis;

import org.jspecify.annotations.NullMarked;
