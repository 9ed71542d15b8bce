/**
 * Implementation of the test support: the RESP admin client, redis-server binary resolution,
 * process control and cluster topology parsing. Not for use outside {@code dev.strata.testsupport}.
 */
@NullMarked
package dev.strata.testsupport.internal;

import org.jspecify.annotations.NullMarked;
