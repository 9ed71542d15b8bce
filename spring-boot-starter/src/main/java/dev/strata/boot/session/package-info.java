/** Strata's Redis-backed HTTP sessions behind the servlet API, working with Spring Security. */
@NullMarked
package dev.strata.boot.session;

import org.jspecify.annotations.NullMarked;
