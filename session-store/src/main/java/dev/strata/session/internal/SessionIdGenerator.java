package dev.strata.session.internal;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Makes and checks session ids: 32 bytes from {@link SecureRandom}, base64url without padding, so
 * exactly 43 characters whose last character carries 4 bits.
 *
 * <p>{@link #isWellFormed} is the gate every id from a cookie or header passes before anything
 * touches Redis. {@link #generateInSlot} makes an id whose Redis Cluster hash slot equals a given
 * one, so that a session key can be renamed atomically on one cluster node: 40 of its characters
 * (240 bits) are fresh random, the last three are chosen among the few combinations that land in
 * the slot, starting from a random offset.
 *
 * <p>Thread-safe.
 */
public final class SessionIdGenerator {

  /** Length of every well-formed id. */
  public static final int ID_LENGTH = 43;

  private static final int RANDOM_BYTES = 32;
  private static final int SLOT_MASK = 16383;
  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();
  private static final byte[] ALPHABET_INDEX = new byte[128];
  private static final int[] CRC16_TABLE = new int[256];

  static {
    java.util.Arrays.fill(ALPHABET_INDEX, (byte) -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      ALPHABET_INDEX[ALPHABET[i]] = (byte) i;
    }
    for (int i = 0; i < 256; i++) {
      int crc = i << 8;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
      }
      CRC16_TABLE[i] = crc & 0xffff;
    }
  }

  private final SecureRandom random;
  private final Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();

  /** Creates a generator on a new {@link SecureRandom}. */
  public SessionIdGenerator() {
    this(new SecureRandom());
  }

  /**
   * Creates a generator on the given source of randomness.
   *
   * @param random the source; tests may pass a seeded one
   */
  public SessionIdGenerator(SecureRandom random) {
    this.random = random;
  }

  /**
   * Returns a new id of 256 random bits.
   *
   * @return a well-formed id, never null
   */
  public String generate() {
    byte[] bytes = new byte[RANDOM_BYTES];
    random.nextBytes(bytes);
    return encoder.encodeToString(bytes);
  }

  /**
   * Returns a new well-formed id whose Redis Cluster slot (of the id used as a hash tag) is {@code
   * slot}.
   *
   * @param slot a slot in 0..16383
   * @return a well-formed id in that slot
   */
  public String generateInSlot(int slot) {
    while (true) {
      char[] id = generate().toCharArray();
      int prefixCrc = 0;
      for (int i = 0; i < ID_LENGTH - 3; i++) {
        prefixCrc = crcStep(prefixCrc, id[i]);
      }
      // 64 * 64 * 16 candidate endings; about four of them land in the slot.
      int start = random.nextInt(1 << 16);
      for (int n = 0; n < (1 << 16); n++) {
        int candidate = (start + n) & 0xffff;
        char c0 = ALPHABET[candidate >>> 10];
        char c1 = ALPHABET[(candidate >>> 4) & 63];
        char c2 = ALPHABET[(candidate & 15) << 2];
        int crc = crcStep(crcStep(crcStep(prefixCrc, c0), c1), c2);
        if ((crc & SLOT_MASK) == slot) {
          id[ID_LENGTH - 3] = c0;
          id[ID_LENGTH - 2] = c1;
          id[ID_LENGTH - 1] = c2;
          return new String(id);
        }
      }
    }
  }

  /**
   * Returns the Redis Cluster hash slot of a key whose hash tag is {@code id}.
   *
   * @param id any string of ASCII characters
   * @return the slot, 0..16383
   */
  public static int slotOf(String id) {
    int crc = 0;
    for (int i = 0; i < id.length(); i++) {
      crc = crcStep(crc, id.charAt(i));
    }
    return crc & SLOT_MASK;
  }

  /**
   * Tells whether {@code candidate} has exactly the shape of an id this class makes: 43 base64url
   * characters that decode canonically to 32 bytes. Runs in constant time per length and allocates
   * nothing.
   *
   * @param candidate any string or null
   * @return true only for a well-formed id
   */
  public static boolean isWellFormed(@org.jspecify.annotations.Nullable String candidate) {
    if (candidate == null || candidate.length() != ID_LENGTH) {
      return false;
    }
    for (int i = 0; i < ID_LENGTH; i++) {
      char c = candidate.charAt(i);
      if (c >= 128 || ALPHABET_INDEX[c] < 0) {
        return false;
      }
    }
    // 43 characters carry 258 bits; the 2 low bits of the last one must be zero.
    return (ALPHABET_INDEX[candidate.charAt(ID_LENGTH - 1)] & 3) == 0;
  }

  private static int crcStep(int crc, char c) {
    return ((crc << 8) ^ CRC16_TABLE[((crc >>> 8) ^ c) & 0xff]) & 0xffff;
  }
}
