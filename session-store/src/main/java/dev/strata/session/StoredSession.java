package dev.strata.session;

import dev.strata.session.internal.LoadedHash;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The working copy of one session for one request: the encoded attributes as loaded, the values
 * decoded so far, and the changes a save will write. Not thread-safe (see {@link Session}).
 */
final class StoredSession implements Session {

  static final int MAX_PRINCIPAL_LENGTH = 1024;

  private final SessionSettings settings;
  private String id;
  private boolean isNew;
  private final long creationMillis;
  private long lastAccessMillis;
  private final long absoluteExpiryMillis;
  private long idleMillis;
  private boolean idleChanged;
  private @Nullable String principal;
  private @Nullable String savedPrincipal;
  private boolean principalChanged;
  private final Map<String, byte[]> encoded;
  private final Map<String, Object> decoded;
  private final Map<String, byte[]> pendingSets = new LinkedHashMap<>();
  private final Set<String> pendingRemovals = new LinkedHashSet<>();
  private @Nullable Set<String> undecodable;
  private long totalBytes;

  StoredSession(
      SessionSettings settings,
      String id,
      boolean isNew,
      long creationMillis,
      long lastAccessMillis,
      long idleMillis,
      long absoluteExpiryMillis,
      @Nullable String principal,
      Map<String, byte[]> encoded,
      long totalBytes) {
    this.settings = settings;
    this.id = id;
    this.isNew = isNew;
    this.creationMillis = creationMillis;
    this.lastAccessMillis = lastAccessMillis;
    this.idleMillis = idleMillis;
    this.absoluteExpiryMillis = absoluteExpiryMillis;
    this.principal = principal;
    this.savedPrincipal = principal;
    this.encoded = encoded;
    this.decoded = new HashMap<>(Math.max(4, encoded.size() * 2));
    this.totalBytes = totalBytes;
  }

  /**
   * Returns the working copy of a live session just loaded at {@code now}.
   *
   * @param settings the store's settings
   * @param id the session id
   * @param now the access time
   * @param h the parsed hash
   * @return the session
   */
  static StoredSession loaded(SessionSettings settings, String id, long now, LoadedHash h) {
    return new StoredSession(
        settings,
        id,
        false,
        h.created(),
        now,
        Math.min(h.idle(), settings.maxIdleMillis()),
        h.expires(),
        h.principal(),
        h.attributes(),
        h.totalBytes());
  }

  @Override
  public String getId() {
    return id;
  }

  void setId(String newId) {
    this.id = newId;
  }

  @Override
  public Instant getCreationTime() {
    return Instant.ofEpochMilli(creationMillis);
  }

  long creationMillis() {
    return creationMillis;
  }

  @Override
  public Instant getLastAccessedTime() {
    return Instant.ofEpochMilli(lastAccessMillis);
  }

  @Override
  public Duration getMaxInactiveInterval() {
    return Duration.ofMillis(idleMillis);
  }

  long idleMillis() {
    return idleMillis;
  }

  @Override
  public void setMaxInactiveInterval(Duration interval) {
    Objects.requireNonNull(interval, "interval must not be null");
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException(
          "maxInactiveInterval must be positive but was " + interval);
    }
    // Clamped to the absolute lifetime (a longer idle timeout could never apply) and to at least
    // one millisecond, so no value overflows or makes the session vanish.
    long millis =
        interval.compareTo(Duration.ofMillis(settings.maxIdleMillis())) >= 0
            ? settings.maxIdleMillis()
            : Math.max(1, interval.toMillis());
    if (millis != idleMillis) {
      idleMillis = millis;
      idleChanged = true;
    }
  }

  boolean idleChanged() {
    return idleChanged;
  }

  @Override
  public Instant getAbsoluteExpiryTime() {
    return Instant.ofEpochMilli(absoluteExpiryMillis);
  }

  long absoluteExpiryMillis() {
    return absoluteExpiryMillis;
  }

  @Override
  public @Nullable Object getAttribute(String name) {
    Object value = decoded.get(name);
    if (value != null) {
      return value;
    }
    byte[] bytes = encoded.get(name);
    if (bytes == null) {
      return null;
    }
    if (undecodable != null && undecodable.contains(name)) {
      return null;
    }
    try {
      value = settings.codec().decode(name, bytes);
    } catch (RuntimeException e) {
      // Kept in the store untouched: another node (an older or newer release) may read it.
      settings.decodeFailures().report(id, name, e);
      if (undecodable == null) {
        undecodable = new HashSet<>(4);
      }
      undecodable.add(name);
      return null;
    }
    decoded.put(name, value);
    return value;
  }

  @Override
  public Set<String> getAttributeNames() {
    if (undecodable == null) {
      return Set.copyOf(encoded.keySet());
    }
    Set<String> names = new HashSet<>(encoded.keySet());
    names.removeAll(undecodable);
    return Set.copyOf(names);
  }

  @Override
  public void setAttribute(String name, @Nullable Object value) {
    Objects.requireNonNull(name, "name must not be null");
    if (value == null) {
      removeAttribute(name);
      return;
    }
    byte[] bytes = settings.codec().encode(name, value);
    int size = entrySize(name, bytes);
    if (size > settings.maxAttributeBytes()) {
      throw new SessionLimitExceededException(
          "attribute '"
              + name
              + "' needs "
              + size
              + " bytes but maxAttributeBytes is "
              + settings.maxAttributeBytes());
    }
    byte[] previous = encoded.get(name);
    long newTotal = totalBytes - (previous == null ? 0 : entrySize(name, previous)) + size;
    if (newTotal > settings.maxSessionBytes()) {
      throw new SessionLimitExceededException(
          "setting attribute '"
              + name
              + "' would make the session "
              + newTotal
              + " bytes but maxSessionBytes is "
              + settings.maxSessionBytes());
    }
    encoded.put(name, bytes);
    decoded.put(name, value);
    if (undecodable != null) {
      undecodable.remove(name);
    }
    totalBytes = newTotal;
    pendingRemovals.remove(name);
    pendingSets.put(name, bytes);
  }

  @Override
  public void removeAttribute(String name) {
    Objects.requireNonNull(name, "name must not be null");
    byte[] previous = encoded.remove(name);
    if (previous != null) {
      totalBytes -= entrySize(name, previous);
    }
    decoded.remove(name);
    if (undecodable != null) {
      undecodable.remove(name);
    }
    pendingSets.remove(name);
    pendingRemovals.add(name);
  }

  @Override
  public @Nullable String getPrincipal() {
    return principal;
  }

  @Override
  public void setPrincipal(@Nullable String principal) {
    if (principal != null && (principal.isEmpty() || principal.length() > MAX_PRINCIPAL_LENGTH)) {
      throw new IllegalArgumentException(
          "principal must be 1 to "
              + MAX_PRINCIPAL_LENGTH
              + " characters but had "
              + principal.length());
    }
    if (!Objects.equals(this.principal, principal)) {
      this.principal = principal;
      this.principalChanged = !Objects.equals(savedPrincipal, principal);
    }
  }

  boolean principalChanged() {
    return principalChanged;
  }

  @Nullable String savedPrincipal() {
    return savedPrincipal;
  }

  @Override
  public boolean isNew() {
    return isNew;
  }

  @Override
  public boolean isDirty() {
    return isNew
        || idleChanged
        || principalChanged
        || !pendingSets.isEmpty()
        || !pendingRemovals.isEmpty();
  }

  Map<String, byte[]> pendingSets() {
    return pendingSets;
  }

  Set<String> pendingRemovals() {
    return pendingRemovals;
  }

  long totalBytes() {
    return totalBytes;
  }

  /** Called after a successful save at {@code now}: the working copy now matches the store. */
  void markSaved(long now) {
    lastAccessMillis = now;
    isNew = false;
    idleChanged = false;
    principalChanged = false;
    savedPrincipal = principal;
    pendingSets.clear();
    pendingRemovals.clear();
  }

  static int entrySize(String name, byte[] value) {
    return LoadedHash.ATTRIBUTE_FIELD_PREFIX.length() + LoadedHash.utf8Length(name) + value.length;
  }
}
