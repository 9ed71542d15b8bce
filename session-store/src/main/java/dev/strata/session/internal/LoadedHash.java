package dev.strata.session.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A session hash as read from Redis (the flat field/value reply of HGETALL), parsed. Every byte of
 * it is untrusted: metadata that does not parse makes the session {@link Outcome#GARBLED}.
 *
 * @param created creation time, epoch millis, or -1 if unreadable
 * @param accessed last access, epoch millis, or -1 if unreadable
 * @param idle idle timeout, millis, or -1 if unreadable
 * @param expires absolute expiry, epoch millis, or -1 if unreadable
 * @param principal the principal, or null
 * @param attributes encoded attribute values by name (without the field prefix); mutable, owned by
 *     the session built from it
 * @param totalBytes the encoded size of all attributes (field names with prefix plus values)
 */
public record LoadedHash(
    long created,
    long accessed,
    long idle,
    long expires,
    @Nullable String principal,
    Map<String, byte[]> attributes,
    long totalBytes) {

  /** The prefix of every attribute field. */
  public static final String ATTRIBUTE_FIELD_PREFIX = "a:";

  private static final byte[] CREATED = ascii("created");
  private static final byte[] ACCESSED = ascii("accessed");
  private static final byte[] IDLE = ascii("idle");
  private static final byte[] EXPIRES = ascii("expires");
  private static final byte[] PRINCIPAL = ascii("principal");

  /** What reading a hash found. */
  public enum Outcome {
    /** A live session. */
    LIVE,
    /** A session past its idle timeout or absolute expiry. */
    EXPIRED,
    /** A hash whose metadata does not parse. */
    GARBLED
  }

  /**
   * Parses a flat HGETALL reply: field, value, field, value...
   *
   * @param reply the reply, every element a byte array
   * @return the parsed hash, or null if the reply is empty (no session)
   */
  public static @Nullable LoadedHash parse(List<Object> reply) {
    int size = reply.size();
    if (size == 0) {
      return null;
    }
    Map<String, byte[]> attributes = new HashMap<>(Math.max(4, size));
    long created = -1;
    long accessed = -1;
    long idle = -1;
    long expires = -1;
    String principal = null;
    long total = 0;
    for (int i = 0; i + 1 < size; i += 2) {
      if (!(reply.get(i) instanceof byte[] field) || !(reply.get(i + 1) instanceof byte[] value)) {
        return new LoadedHash(-1, -1, -1, -1, null, attributes, 0);
      }
      if (field.length >= 2 && field[0] == 'a' && field[1] == ':') {
        attributes.put(new String(field, 2, field.length - 2, StandardCharsets.UTF_8), value);
        total += field.length + value.length;
      } else if (Arrays.equals(field, ACCESSED)) {
        accessed = parseMillis(value);
      } else if (Arrays.equals(field, IDLE)) {
        idle = parseMillis(value);
      } else if (Arrays.equals(field, EXPIRES)) {
        expires = parseMillis(value);
      } else if (Arrays.equals(field, CREATED)) {
        created = parseMillis(value);
      } else if (Arrays.equals(field, PRINCIPAL)) {
        principal = new String(value, StandardCharsets.UTF_8);
      }
    }
    return new LoadedHash(created, accessed, idle, expires, principal, attributes, total);
  }

  /**
   * Judges the session at {@code now} by its own timestamps.
   *
   * @param now epoch millis
   * @return the outcome
   */
  public Outcome outcome(long now) {
    if (created < 0 || accessed < 0 || idle <= 0 || expires < 0) {
      return Outcome.GARBLED;
    }
    return now >= accessed + idle || now >= expires ? Outcome.EXPIRED : Outcome.LIVE;
  }

  /**
   * Returns the UTF-8 length of a string without encoding it.
   *
   * @param s the string
   * @return its length in UTF-8 bytes
   */
  public static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /**
   * Parses a non-negative decimal of at most 18 digits.
   *
   * @param value the bytes
   * @return the number, or -1 if not such a decimal
   */
  public static long parseMillis(byte[] value) {
    if (value.length == 0 || value.length > 18) {
      return -1;
    }
    long result = 0;
    for (byte b : value) {
      if (b < '0' || b > '9') {
        return -1;
      }
      result = result * 10 + (b - '0');
    }
    return result;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
