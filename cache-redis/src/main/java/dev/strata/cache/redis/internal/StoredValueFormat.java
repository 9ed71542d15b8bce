package dev.strata.cache.redis.internal;

import java.nio.ByteBuffer;

/**
 * The bytes a Redis cache stores under a key: a two-byte header, then the codec's bytes.
 *
 * <pre>
 *   byte 0   format version: 0xF9 = version 1 (0xF8..0xFF never occur in UTF-8, so text written
 *            by other programs is recognised as foreign)
 *   byte 1   kind: 'V' a value, followed by the codec's bytes; 'N' a negative ("absent") entry,
 *            with nothing after it; 'T' a tombstone left by an invalidation, followed by its
 *            generation in decimal; 'L' a fill lease, followed by the holder's nonce, ':' and the
 *            generation of the tombstone it replaced (see {@link LeasedFill}); 'X' a value with
 *            what early refresh needs, written only by caches that enable it: bytes 2-5 the
 *            load's duration in ms and 6-13 the entry's expiry in epoch ms (both big-endian),
 *            14-21 the holder of its refresh lease (8 ASCII characters, "--------" for none),
 *            then the codec's bytes
 * </pre>
 *
 * <p>Tombstones and leases read as misses.
 *
 * <p>A real value always has kind 'V', so the negative marker can never collide with a value,
 * whatever the codec produces. Anything else is corrupt (or foreign) and reads as a miss.
 */
public final class StoredValueFormat {

  /** The first byte of every entry written in format version 1. */
  static final byte FORMAT_V1 = (byte) 0xF9;

  static final byte KIND_VALUE = 'V';
  static final byte KIND_ABSENT = 'N';
  static final byte KIND_TOMBSTONE = 'T';
  static final byte KIND_LEASE = 'L';
  static final byte KIND_REFRESHABLE = 'X';

  /** The size of the header of a refreshable value ('X'). */
  public static final int REFRESHABLE_HEADER_BYTES = 22;

  /** Where the refresh-lease holder of a refreshable value starts, and its length. */
  static final int REFRESH_HOLDER_AT = 14;

  static final int REFRESH_HOLDER_BYTES = 8;

  private static final byte NO_HOLDER = '-';

  /** The size of the header. */
  public static final int HEADER_BYTES = 2;

  private static final byte[] ABSENT_MARKER = {FORMAT_V1, KIND_ABSENT};

  /** What a stored entry is. */
  public enum Kind {
    /** A value; its codec bytes start at {@link #HEADER_BYTES}. */
    VALUE,
    /** A negative entry. */
    ABSENT,
    /** A tombstone: the key was invalidated; reads as a miss. */
    TOMBSTONE,
    /** A fill lease held by a loading node; reads as a miss. */
    LEASE,
    /** Not an entry of this format: corrupt or written by something else. */
    CORRUPT
  }

  private StoredValueFormat() {}

  /**
   * Frames codec bytes as a stored value.
   *
   * @param payload the codec's bytes
   * @return a new array: the header followed by {@code payload}
   */
  public static byte[] frameValue(byte[] payload) {
    byte[] stored = new byte[HEADER_BYTES + payload.length];
    stored[0] = FORMAT_V1;
    stored[1] = KIND_VALUE;
    System.arraycopy(payload, 0, stored, HEADER_BYTES, payload.length);
    return stored;
  }

  /**
   * Frames a stored value ('V', from {@link #frameValue}) as a refreshable one ('X').
   *
   * @param value the stored value
   * @param loadMillis how long its load took
   * @param expiresAtMillis when it expires, in epoch milliseconds
   * @return a new array
   */
  public static byte[] frameRefreshable(byte[] value, long loadMillis, long expiresAtMillis) {
    int payload = value.length - HEADER_BYTES;
    byte[] stored = new byte[REFRESHABLE_HEADER_BYTES + payload];
    ByteBuffer buffer = ByteBuffer.wrap(stored);
    buffer.put(FORMAT_V1).put(KIND_REFRESHABLE);
    buffer.putInt((int) Math.min(Integer.MAX_VALUE, Math.max(0, loadMillis)));
    buffer.putLong(expiresAtMillis);
    for (int i = 0; i < REFRESH_HOLDER_BYTES; i++) {
      buffer.put(NO_HOLDER);
    }
    buffer.put(value, HEADER_BYTES, payload);
    return stored;
  }

  /**
   * Returns where the codec's bytes start in a stored value ('V' or 'X').
   *
   * @param stored a value whose {@link #kindOf kind} is {@link Kind#VALUE}
   * @return the offset
   */
  public static int payloadOffset(byte[] stored) {
    return stored[1] == KIND_REFRESHABLE ? REFRESHABLE_HEADER_BYTES : HEADER_BYTES;
  }

  /**
   * Tells whether a stored value carries early-refresh data and no refresh lease yet.
   *
   * @param stored stored bytes
   * @return true for a refreshable value that nobody is refreshing
   */
  public static boolean refreshable(byte[] stored) {
    return stored.length >= REFRESHABLE_HEADER_BYTES
        && stored[1] == KIND_REFRESHABLE
        && stored[REFRESH_HOLDER_AT] == NO_HOLDER;
  }

  /**
   * Returns the load duration of a refreshable value.
   *
   * @param stored a refreshable value
   * @return milliseconds
   */
  public static int loadMillis(byte[] stored) {
    return ByteBuffer.wrap(stored).getInt(2);
  }

  /**
   * Returns the expiry of a refreshable value.
   *
   * @param stored a refreshable value
   * @return epoch milliseconds
   */
  public static long expiresAtMillis(byte[] stored) {
    return ByteBuffer.wrap(stored).getLong(6);
  }

  /**
   * Returns the stored bytes of a negative entry. Callers must not modify the array.
   *
   * @return the shared marker
   */
  public static byte[] absentMarker() {
    return ABSENT_MARKER;
  }

  /**
   * Classifies stored bytes.
   *
   * @param stored bytes read from Redis
   * @return what they are
   */
  public static Kind kindOf(byte[] stored) {
    if (stored.length < HEADER_BYTES || stored[0] != FORMAT_V1) {
      return Kind.CORRUPT;
    }
    if (stored[1] == KIND_VALUE) {
      return Kind.VALUE;
    }
    if (stored[1] == KIND_REFRESHABLE && stored.length >= REFRESHABLE_HEADER_BYTES) {
      return Kind.VALUE;
    }
    if (stored[1] == KIND_ABSENT && stored.length == HEADER_BYTES) {
      return Kind.ABSENT;
    }
    if (stored[1] == KIND_TOMBSTONE) {
      return Kind.TOMBSTONE;
    }
    if (stored[1] == KIND_LEASE) {
      return Kind.LEASE;
    }
    return Kind.CORRUPT;
  }
}
