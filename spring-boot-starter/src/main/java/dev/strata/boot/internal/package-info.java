/** Implementation shared by the auto-configuration; not an API. */
@NullMarked
package dev.strata.boot.internal;

import org.jspecify.annotations.NullMarked;
