/**
 * The servlet filter that backs {@code HttpServletRequest.getSession()} with a {@link
 * dev.strata.session.SessionStore}: {@link dev.strata.session.servlet.SessionFilter}.
 *
 * <p>Everything in this package is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.strata.session.servlet;

import org.jspecify.annotations.NullMarked;
