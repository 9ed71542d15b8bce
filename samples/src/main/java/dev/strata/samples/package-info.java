/**
 * Runnable examples of Strata in plain Java: caches in front of a database ({@link
 * dev.strata.samples.CachedCatalogSample}), and one short page per module, listed in
 * docs/samples.md.
 */
@NullMarked
package dev.strata.samples;

import org.jspecify.annotations.NullMarked;
