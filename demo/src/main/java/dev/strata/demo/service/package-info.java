/**
 * The demo's Spring Boot service: a product catalogue behind Strata's caches, a login and a cart in
 * a Redis session.
 */
@NullMarked
package dev.strata.demo.service;

import org.jspecify.annotations.NullMarked;
