/** Spring Boot auto-configuration of Strata: add the starter, set {@code strata.*} properties. */
@NullMarked
package dev.strata.boot;

import org.jspecify.annotations.NullMarked;
