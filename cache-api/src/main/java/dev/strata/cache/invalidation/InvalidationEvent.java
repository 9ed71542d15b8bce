package dev.strata.cache.invalidation;

import java.util.List;
import java.util.Objects;

/**
 * A message that entries of a cache are no longer valid: some keys, or all of them.
 *
 * <p>Keys travel in their {@link dev.strata.cache.KeyCodec encoded} string form so that an event
 * can cross process boundaries. {@code originId} names the node that published the event, so that a
 * node can ignore its own echo.
 *
 * @param cacheName the name of the cache whose entries are invalid; not empty
 * @param keys the encoded keys that are invalid; empty when {@code all} is true
 * @param all whether every entry of the cache is invalid
 * @param originId the id of the publishing node; not empty
 */
public record InvalidationEvent(String cacheName, List<String> keys, boolean all, String originId) {

  /** Validates and copies the arguments. */
  public InvalidationEvent {
    Objects.requireNonNull(cacheName, "cacheName must not be null");
    Objects.requireNonNull(keys, "keys must not be null");
    Objects.requireNonNull(originId, "originId must not be null");
    if (cacheName.isEmpty()) {
      throw new IllegalArgumentException("cacheName must not be empty");
    }
    if (originId.isEmpty()) {
      throw new IllegalArgumentException("originId must not be empty");
    }
    keys = List.copyOf(keys);
    if (all && !keys.isEmpty()) {
      throw new IllegalArgumentException("an event for all keys must not list keys");
    }
    if (!all && keys.isEmpty()) {
      throw new IllegalArgumentException("an event must list at least one key, or be for all");
    }
  }

  /**
   * Returns an event that invalidates some keys.
   *
   * @param cacheName the cache
   * @param keys the encoded keys; not empty
   * @param originId the publishing node
   * @return the event
   */
  public static InvalidationEvent keys(String cacheName, List<String> keys, String originId) {
    return new InvalidationEvent(cacheName, keys, false, originId);
  }

  /**
   * Returns an event that invalidates a whole cache.
   *
   * @param cacheName the cache
   * @param originId the publishing node
   * @return the event
   */
  public static InvalidationEvent all(String cacheName, String originId) {
    return new InvalidationEvent(cacheName, List.of(), true, originId);
  }
}
