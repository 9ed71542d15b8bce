package dev.strata.session.internal;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A session hash as read from Redis (HGETALL), parsed and checked against its own timestamps. Every
 * byte of it is untrusted: metadata that does not parse makes the session absent.
 *
 * @param created creation time, epoch millis
 * @param accessed last access, epoch millis
 * @param idle idle timeout, millis
 * @param expires absolute expiry, epoch millis
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

  /** What reading a hash found. */
  public enum Outcome {
    /** A live session. */
    LIVE,
    /** No session (empty hash). */
    ABSENT,
    /** A session past its idle timeout or absolute expiry. */
    EXPIRED,
    /** A hash whose metadata does not parse. */
    GARBLED
  }

  /**
   * Returns the outcome of reading {@code hash} at {@code now}: {@link Outcome#LIVE} if {@link
   * #parse} returns a value.
   *
   * @param hash the HGETALL reply
   * @param now epoch millis
   * @return the outcome
   */
  public static Outcome outcome(Map<String, byte[]> hash, long now) {
    if (hash.isEmpty()) {
      return Outcome.ABSENT;
    }
    long accessed = parseMillis(hash.get("accessed"));
    long idle = parseMillis(hash.get("idle"));
    long expires = parseMillis(hash.get("expires"));
    if (parseMillis(hash.get("created")) < 0 || accessed < 0 || idle <= 0 || expires < 0) {
      return Outcome.GARBLED;
    }
    return now >= accessed + idle || now >= expires ? Outcome.EXPIRED : Outcome.LIVE;
  }

  /**
   * Parses a hash whose {@link #outcome} is {@link Outcome#LIVE}.
   *
   * @param hash the HGETALL reply
   * @return the parsed session
   */
  public static LoadedHash parse(Map<String, byte[]> hash) {
    Map<String, byte[]> attributes = new HashMap<>(Math.max(4, hash.size() * 2));
    long created = -1;
    long accessed = -1;
    long idle = -1;
    long expires = -1;
    String principal = null;
    long total = 0;
    for (Map.Entry<String, byte[]> e : hash.entrySet()) {
      String field = e.getKey();
      byte[] value = e.getValue();
      if (field.startsWith(ATTRIBUTE_FIELD_PREFIX)) {
        attributes.put(field.substring(ATTRIBUTE_FIELD_PREFIX.length()), value);
        total += utf8Length(field) + value.length;
      } else {
        switch (field) {
          case "created" -> created = parseMillis(value);
          case "accessed" -> accessed = parseMillis(value);
          case "idle" -> idle = parseMillis(value);
          case "expires" -> expires = parseMillis(value);
          case "principal" -> principal = new String(value, StandardCharsets.UTF_8);
          default -> {}
        }
      }
    }
    return new LoadedHash(created, accessed, idle, expires, principal, attributes, total);
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
   * @param value the bytes, or null
   * @return the number, or -1 if absent or not such a decimal
   */
  public static long parseMillis(byte @Nullable [] value) {
    if (value == null || value.length == 0 || value.length > 18) {
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
}
