package dev.strata.redis;

import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The layout of every Strata key and channel in one Redis: each component owns a sub-space under
 * the application's key prefix, marked by a tag that no user-chosen name can produce, so that no
 * cache, session, version or queue name can make two components share a key.
 *
 * <table>
 *   <caption>Key layout (prefix {@code strata})</caption>
 *   <tr><th>component</th><th>key or channel</th><th>Redis type</th></tr>
 *   <tr><td>cache entry</td><td>{@code strata:c:<cache>:<key>}</td><td>string</td></tr>
 *   <tr><td>session</td><td>{@code strata:s:{<id>}}</td><td>hash</td></tr>
 *   <tr><td>sessions of a principal</td><td>{@code strata:s:p:<principal>}</td><td>sorted
 *       set</td></tr>
 *   <tr><td>version counter</td><td>{@code strata:v:<id>}</td><td>string (integer)</td></tr>
 *   <tr><td>durable write-behind</td><td>{@code strata:wb:<name>:...}</td><td>stream and
 *       others</td></tr>
 *   <tr><td>invalidation channel</td><td>{@code strata:i:<cache>}</td><td>pub/sub
 *       channel</td></tr>
 *   <tr><td>fill-lease channel (a lease's fill landed or was given up)</td><td>{@code
 *       strata:l:<cache>}</td><td>pub/sub channel</td></tr>
 * </table>
 *
 * <p>Cache and write-behind names are 1 to 100 of {@code A-Z a-z 0-9 . _ -}: no {@code :}, so a
 * name cannot reach into the key part of another name ({@code users} and {@code users:x} would
 * otherwise overlap), and no braces, so a name never forms a cluster hash tag. A session id holds
 * no braces (it is the hash tag of its key). Keys and principals after the last separator are free.
 *
 * <p>The prefix is 1 to 100 of {@code A-Z a-z 0-9 . _ : -}, so it may itself be layered ({@code
 * shop:prod}); it holds no braces, glob characters or spaces, so scan patterns built from it match
 * only its own keys.
 *
 * <p>Immutable and thread-safe.
 */
public final class KeyNamespace {

  /** The default key prefix. */
  public static final String DEFAULT_KEY_PREFIX = "strata";

  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9._:\\-]{1,100}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._\\-]{1,100}");

  private static final KeyNamespace DEFAULT = new KeyNamespace(DEFAULT_KEY_PREFIX);

  private final String keyPrefix;

  private KeyNamespace(String keyPrefix) {
    this.keyPrefix = keyPrefix;
  }

  /**
   * Returns the namespace of a key prefix.
   *
   * @param keyPrefix 1 to 100 of {@code A-Z a-z 0-9 . _ : -}
   * @return the namespace
   * @throws NullPointerException if {@code keyPrefix} is null
   * @throws IllegalArgumentException naming {@code keyPrefix} and its value if it is invalid
   */
  public static KeyNamespace of(String keyPrefix) {
    Objects.requireNonNull(keyPrefix, "keyPrefix must not be null");
    if (!PREFIX.matcher(keyPrefix).matches()) {
      throw new IllegalArgumentException(
          "keyPrefix must be 1 to 100 of A-Z a-z 0-9 . _ : - (no braces, wildcards or spaces)"
              + " but was '"
              + keyPrefix
              + "'");
    }
    return DEFAULT_KEY_PREFIX.equals(keyPrefix) ? DEFAULT : new KeyNamespace(keyPrefix);
  }

  /**
   * Returns the namespace of the default prefix {@value #DEFAULT_KEY_PREFIX}.
   *
   * @return the namespace
   */
  public static KeyNamespace defaults() {
    return DEFAULT;
  }

  /**
   * Checks a component name (a cache, a write-behind queue).
   *
   * @param name the name
   * @param field the setting's name, for the message (e.g. {@code "name"})
   * @return {@code name}
   * @throws NullPointerException naming {@code field} if {@code name} is null
   * @throws IllegalArgumentException naming {@code field} and the value if it is invalid
   */
  public static String requireName(String name, String field) {
    Objects.requireNonNull(name, () -> field + " must not be null");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          field
              + " must be 1 to 100 of A-Z a-z 0-9 . _ - (no ':', braces, wildcards or spaces)"
              + " but was '"
              + name
              + "'");
    }
    return name;
  }

  /**
   * Returns the key prefix.
   *
   * @return the prefix, e.g. {@code strata}
   */
  public String keyPrefix() {
    return keyPrefix;
  }

  /**
   * Returns the start of every key of a cache.
   *
   * @param cacheName a valid name ({@link #requireName})
   * @return {@code <prefix>:c:<cacheName>:}
   * @throws IllegalArgumentException if the name is invalid
   */
  public String cacheKeyPrefix(String cacheName) {
    return keyPrefix + ":c:" + requireName(cacheName, "cacheName") + ':';
  }

  /**
   * Returns the SCAN pattern that matches every key of a cache and no other key.
   *
   * @param cacheName a valid name
   * @return {@code <prefix>:c:<cacheName>:*}
   * @throws IllegalArgumentException if the name is invalid
   */
  public String cacheScanPattern(String cacheName) {
    return cacheKeyPrefix(cacheName) + '*';
  }

  /**
   * Returns the start of every key of the session store: session hashes and principal indexes.
   *
   * @return {@code <prefix>:s:}
   */
  public String sessionKeyPrefix() {
    return keyPrefix + ":s:";
  }

  /**
   * Returns the key of a session's hash. The id is the key's hash tag, so on a cluster everything
   * of one session lives in one slot.
   *
   * @param sessionId the id; no braces
   * @return {@code <prefix>:s:{<sessionId>}}
   * @throws IllegalArgumentException if the id is empty or holds a brace
   */
  public String sessionKey(String sessionId) {
    Objects.requireNonNull(sessionId, "sessionId must not be null");
    if (sessionId.isEmpty() || sessionId.indexOf('{') >= 0 || sessionId.indexOf('}') >= 0) {
      throw new IllegalArgumentException("sessionId must be non-empty and free of braces");
    }
    return keyPrefix + ":s:{" + sessionId + '}';
  }

  /**
   * Returns the start of every principal index key. Never the start of a session key: those
   * continue with a brace.
   *
   * @return {@code <prefix>:s:p:}
   */
  public String principalIndexKeyPrefix() {
    return keyPrefix + ":s:p:";
  }

  /**
   * Returns the key of the index of one principal's sessions.
   *
   * @param principal any principal name; not null
   * @return {@code <prefix>:s:p:<principal>}
   */
  public String principalIndexKey(String principal) {
    return principalIndexKeyPrefix()
        + Objects.requireNonNull(principal, "principal must not be null");
  }

  /**
   * Returns the start of every version counter key.
   *
   * @return {@code <prefix>:v:}
   */
  public String versionKeyPrefix() {
    return keyPrefix + ":v:";
  }

  /**
   * Returns the key of a version counter.
   *
   * @param id the counter's id (a namespace or an entity key); not null
   * @return {@code <prefix>:v:<id>}
   */
  public String versionKey(String id) {
    return versionKeyPrefix() + Objects.requireNonNull(id, "id must not be null");
  }

  /**
   * Returns the start of every key of one durable write-behind queue.
   *
   * @param queueName a valid name ({@link #requireName})
   * @return {@code <prefix>:wb:<queueName>:}
   * @throws IllegalArgumentException if the name is invalid
   */
  public String writeBehindKeyPrefix(String queueName) {
    return keyPrefix + ":wb:" + requireName(queueName, "queueName") + ':';
  }

  /**
   * Returns the start of every invalidation channel (pub/sub).
   *
   * @return {@code <prefix>:i:}
   */
  public String invalidationChannelPrefix() {
    return keyPrefix + ":i:";
  }

  /**
   * Returns the invalidation channel of a cache.
   *
   * @param cacheName a valid name
   * @return {@code <prefix>:i:<cacheName>}
   * @throws IllegalArgumentException if the name is invalid
   */
  public String invalidationChannel(String cacheName) {
    return invalidationChannelPrefix() + requireName(cacheName, "cacheName");
  }

  /**
   * Returns the channel on which a cache announces that a fill lease of one of its keys ended (its
   * fill landed, it was given back, or an invalidation replaced it), so that callers waiting for
   * that lease look again at once.
   *
   * @param cacheName a valid name
   * @return {@code <prefix>:l:<cacheName>}
   * @throws IllegalArgumentException if the name is invalid
   */
  public String leaseChannel(String cacheName) {
    return keyPrefix + ":l:" + requireName(cacheName, "cacheName");
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof KeyNamespace n && n.keyPrefix.equals(keyPrefix);
  }

  @Override
  public int hashCode() {
    return keyPrefix.hashCode();
  }

  @Override
  public String toString() {
    return "KeyNamespace[" + keyPrefix + "]";
  }
}
