/** Strata's health as Spring Boot health indicators in the readiness group, and its meters. */
@NullMarked
package dev.strata.boot.health;

import org.jspecify.annotations.NullMarked;
