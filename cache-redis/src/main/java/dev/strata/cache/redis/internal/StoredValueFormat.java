package dev.strata.cache.redis.internal;

/**
 * The bytes a Redis cache stores under a key: a two-byte header, then the codec's bytes.
 *
 * <pre>
 *   byte 0   format version: 0xF9 = version 1 (0xF8..0xFF never occur in UTF-8, so text written
 *            by other programs is recognised as foreign)
 *   byte 1   kind: 'V' a value, followed by the codec's bytes; 'N' a negative ("absent") entry,
 *            with nothing after it; 'T' a tombstone left by an invalidation, followed by its
 *            generation in decimal; 'L' a fill lease, followed by the holder's nonce, ':' and the
 *            generation of the tombstone it replaced (see {@link LeasedFill})
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
