package dev.strata.session.internal;

import dev.strata.redis.KeyNamespace;

/**
 * The Redis keys of the session store, in the session sub-space of the shared {@link KeyNamespace}:
 * {@code <prefix>:s:{<id>}} per session (the id is the hash tag, so a renamed key stays in its
 * cluster slot) and {@code <prefix>:s:p:<name>} per principal index.
 *
 * @param sessionKeyPrefix everything of a session key before the id, ending in an opening brace
 * @param principalKeyPrefix everything of an index key before the principal name
 */
public record SessionKeys(String sessionKeyPrefix, String principalKeyPrefix) {

  /**
   * Returns the keys of the session sub-space of a namespace.
   *
   * @param namespace the key namespace
   * @return the key layout
   */
  public static SessionKeys in(KeyNamespace namespace) {
    return new SessionKeys(namespace.sessionKeyPrefix() + '{', namespace.principalIndexKeyPrefix());
  }

  /**
   * Returns the key of a session's hash.
   *
   * @param id a well-formed session id
   * @return the key
   */
  public String session(String id) {
    return sessionKeyPrefix + id + '}';
  }

  /**
   * Returns the key of a principal's index.
   *
   * @param principal the principal name
   * @return the key
   */
  public String principal(String principal) {
    return principalKeyPrefix + principal;
  }
}
