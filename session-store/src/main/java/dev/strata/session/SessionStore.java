package dev.strata.session;

import java.util.List;
import java.util.Optional;

/**
 * Keeps HTTP sessions outside the application server so that any instance can serve any request.
 *
 * <p>The implementation is {@link RedisSessionStore}. All methods are thread-safe. Methods that
 * talk to the store throw {@link SessionStoreUnavailableException} when it cannot be reached in
 * time; each write is atomic, so a failed call never leaves a half-written session behind.
 */
public interface SessionStore extends AutoCloseable {

  /**
   * Creates a session with a fresh id. Nothing is written until {@link #save(Session)}.
   *
   * @return a new session, never null
   */
  Session create();

  /**
   * Loads a session and records the access (the idle expiry slides), in one round trip.
   *
   * <p>An id that is not exactly of the shape this store makes (null, empty, wrong length, not
   * base64url) returns empty without contacting the store. A session past its idle timeout or its
   * absolute lifetime is never returned, even before the store has removed it.
   *
   * @param id the id from a cookie or header; may be null
   * @return the session, or empty if there is no live session with this id
   * @throws SessionStoreUnavailableException if the store cannot be reached
   */
  Optional<Session> find(@org.jspecify.annotations.Nullable String id);

  /**
   * Writes what changed in {@code session} since it was loaded or created, in one round trip: set
   * and removed attributes, principal, idle timeout, and the access time. Attributes changed by
   * other requests in the meantime are kept.
   *
   * @param session a session from this store
   * @return true if saved; false if the session no longer exists in the store (it expired or was
   *     invalidated by another request), in which case nothing is written
   * @throws SessionLimitExceededException if the stored session (with what concurrent requests
   *     stored) would exceed its size limit; nothing is written
   * @throws SessionStoreUnavailableException if the store cannot be reached; nothing is written
   */
  boolean save(Session session);

  /**
   * Deletes a session. Unknown or malformed ids are ignored.
   *
   * @param id the session id
   * @throws SessionStoreUnavailableException if the store cannot be reached
   */
  void invalidate(String id);

  /**
   * Gives a stored session a new id, keeping all its attributes, atomically: there is no moment in
   * which the session exists under both ids or under neither. Use it at login against session
   * fixation. For a session that was never saved only the in-memory id changes.
   *
   * @param session a session from this store; its id is updated
   * @return the new id
   * @throws IllegalStateException if the session no longer exists in the store
   * @throws SessionStoreUnavailableException if the store cannot be reached
   */
  String changeSessionId(Session session);

  /**
   * Returns the ids of the live sessions of a principal, oldest first.
   *
   * @param principal the principal name
   * @return the ids, possibly empty
   * @throws SessionStoreUnavailableException if the store cannot be reached
   */
  List<String> findByPrincipal(String principal);

  /**
   * Deletes every session of a principal (for example after a password change).
   *
   * @param principal the principal name
   * @return how many sessions were deleted
   * @throws SessionStoreUnavailableException if the store cannot be reached
   */
  int invalidateByPrincipal(String principal);

  /**
   * Checks that the store answers within the command timeout; a health signal. Never throws.
   *
   * @return true if the store answered
   */
  boolean isAvailable();

  /**
   * Returns a snapshot of what this store instance did since it was built, for metrics.
   *
   * @return an immutable snapshot, never null
   */
  SessionStoreStats stats();

  /** Releases connections (and a client the store created itself). Idempotent. */
  @Override
  void close();
}
