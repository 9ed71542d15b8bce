package dev.strata.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One session, as loaded from or about to be saved to a {@link SessionStore}.
 *
 * <p>A session object is a working copy for one request: it records which attributes were set or
 * removed so that {@link SessionStore#save(Session)} writes only those. Values are encoded when
 * they are set (so limits and codec problems surface at {@link #setAttribute}); an object changed
 * after being set must be set again for the change to be saved.
 *
 * <p>Not thread-safe: one request (one thread at a time) uses a session object. Concurrent requests
 * of the same user get separate objects, and their saves merge attribute by attribute in Redis.
 */
public interface Session {

  /**
   * Returns the current id.
   *
   * @return the id, 43 URL-safe characters; changes after {@link SessionStore#changeSessionId}
   */
  String getId();

  /**
   * Returns when the session was created.
   *
   * @return the creation time
   */
  Instant getCreationTime();

  /**
   * Returns the time of the latest access (the current one for a loaded session).
   *
   * @return the last access time
   */
  Instant getLastAccessedTime();

  /**
   * Returns the idle timeout: the session expires this long after its last access.
   *
   * @return a positive duration
   */
  Duration getMaxInactiveInterval();

  /**
   * Sets the idle timeout of this session; saved with the next {@link SessionStore#save}. A value
   * beyond the store's absolute lifetime is clamped to it (it could never apply).
   *
   * @param interval a positive duration
   * @throws IllegalArgumentException if {@code interval} is zero or negative
   */
  void setMaxInactiveInterval(Duration interval);

  /**
   * Returns when the session expires at the latest: its creation time plus the store's maximum
   * lifetime. Access does not move it.
   *
   * @return the absolute expiry time
   */
  Instant getAbsoluteExpiryTime();

  /**
   * Returns the value of an attribute, decoding it on first access.
   *
   * <p>A stored value that cannot be decoded (corrupt bytes, a class this release does not know) is
   * reported, counted, and skipped for this request: this returns null and {@link
   * #getAttributeNames} leaves it out, but it stays in the store untouched (another release of the
   * application may read it) unless this request sets or removes it.
   *
   * @param name the attribute name
   * @return the value, or null if there is none
   */
  @Nullable Object getAttribute(String name);

  /**
   * Returns the names of all attributes.
   *
   * @return an unmodifiable snapshot, never null
   */
  Set<String> getAttributeNames();

  /**
   * Sets an attribute. A null value removes it.
   *
   * @param name the attribute name, not empty
   * @param value the value, or null to remove
   * @throws SessionLimitExceededException if the encoded value or the whole session would exceed
   *     the configured limits; the session is then unchanged
   * @throws IllegalArgumentException if the codec cannot encode the value
   */
  void setAttribute(String name, @Nullable Object value);

  /**
   * Removes an attribute; removing an absent attribute is allowed and is still saved (so a
   * concurrent write of it by another request is undone).
   *
   * @param name the attribute name
   */
  void removeAttribute(String name);

  /**
   * Returns the principal (user name) this session belongs to, used by {@link
   * SessionStore#findByPrincipal} and the per-principal session cap.
   *
   * @return the principal, or null if none was set
   */
  @Nullable String getPrincipal();

  /**
   * Sets or clears the principal; indexed at the next save.
   *
   * @param principal the principal name, or null to clear it
   * @throws IllegalArgumentException if {@code principal} is empty or longer than 1024 characters
   */
  void setPrincipal(@Nullable String principal);

  /**
   * Tells whether this session was created by {@link SessionStore#create()} and not saved yet.
   *
   * @return true until the first successful save
   */
  boolean isNew();

  /**
   * Tells whether this object holds changes that a save would write.
   *
   * @return true if attributes, principal or idle timeout changed, or the session is new
   */
  boolean isDirty();
}
