package dev.strata.session.internal;

/**
 * The Redis keys of the session store: {@code <prefix>:{<id>}} per session (the id is the hash tag,
 * so a renamed key stays in its cluster slot) and {@code <prefix>:principal:<name>} per principal
 * index.
 *
 * @param sessionKeyPrefix everything of a session key before the id, ending in {@code {}
 * @param principalKeyPrefix everything of an index key before the principal name
 */
public record SessionKeys(String sessionKeyPrefix, String principalKeyPrefix) {

  /**
   * Returns the keys under a user's prefix.
   *
   * @param prefix a prefix without braces
   * @return the key layout
   */
  public static SessionKeys under(String prefix) {
    return new SessionKeys(prefix + ":{", prefix + ":principal:");
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
