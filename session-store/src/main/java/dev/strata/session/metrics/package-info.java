/**
 * Micrometer metrics of a session store: {@link dev.strata.session.metrics.SessionStoreMetrics}.
 * Needs the optional {@code micrometer-core} dependency.
 *
 * <p>Everything in this package is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.strata.session.metrics;

import org.jspecify.annotations.NullMarked;
