/**
 * Stateless HTTP sessions kept in Redis.
 *
 * <p>{@link dev.strata.session.SessionStore} is the contract and {@link
 * dev.strata.session.RedisSessionStore} its Redis (standalone or cluster) implementation, built
 * with a validating builder. {@link dev.strata.session.AttributeCodec} turns attribute values into
 * bytes ({@link dev.strata.session.JsonAttributeCodec} by default; never Java serialization). The
 * servlet filter that backs {@code HttpServletRequest.getSession()} with a store is in {@code
 * dev.strata.session.servlet}, Micrometer metrics in {@code dev.strata.session.metrics}.
 *
 * <p>Everything in this package is non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.strata.session;

import org.jspecify.annotations.NullMarked;
