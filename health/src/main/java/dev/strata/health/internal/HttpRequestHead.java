package dev.strata.health.internal;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The head of one HTTP/1.x request (request line and header fields), parsed from untrusted bytes.
 * Only what the health endpoint needs is kept: method, raw path, raw query and the first value of
 * each header field (names lower-cased). Immutable and thread-safe.
 *
 * @param method the method token, e.g. {@code GET}
 * @param rawPath the path as sent (not decoded), starting with {@code /}
 * @param rawQuery the query as sent without {@code ?}, or null
 * @param headers the first value of each header field by lower-case name
 */
public record HttpRequestHead(
    String method, String rawPath, @Nullable String rawQuery, Map<String, String> headers) {

  /** Why a head could not be parsed. */
  public static final class MalformedRequestException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedRequestException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Returns the first value of a header field.
   *
   * @param lowerCaseName the name in lower case
   * @return the value, or null when absent
   */
  public @Nullable String header(String lowerCaseName) {
    return headers.get(lowerCaseName);
  }

  /**
   * Returns the length of the head in {@code bytes[0, length)} including the blank line that ends
   * it, or -1 if the blank line has not arrived yet. Accepts CRLF and bare LF line ends.
   *
   * @param bytes the bytes read so far
   * @param length how many of them are valid
   * @return the head's length, or -1
   */
  public static int headLength(byte[] bytes, int length) {
    for (int i = 1; i < length; i++) {
      if (bytes[i] == '\n') {
        if (bytes[i - 1] == '\n') {
          return i + 1;
        }
        if (i >= 3 && bytes[i - 1] == '\r' && bytes[i - 2] == '\n' && bytes[i - 3] == '\r') {
          return i + 1;
        }
      }
    }
    return -1;
  }

  /**
   * Parses a complete head.
   *
   * @param bytes the head's bytes, from the request line to the blank line
   * @param length the head's length as returned by {@link #headLength}
   * @return the head
   * @throws MalformedRequestException if the request line or a header field is malformed
   */
  public static HttpRequestHead parse(byte[] bytes, int length) throws MalformedRequestException {
    // ISO-8859-1 maps each byte to one char, so no byte sequence can fail to decode
    String text = new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
    String[] lines = text.split("\r?\n");
    if (lines.length == 0) {
      throw new MalformedRequestException("empty request");
    }
    String[] requestLine = lines[0].split(" ", -1);
    if (requestLine.length != 3
        || requestLine[0].isEmpty()
        || !isToken(requestLine[0])
        || !requestLine[1].startsWith("/")
        || !requestLine[2].startsWith("HTTP/1.")) {
      throw new MalformedRequestException("malformed request line");
    }
    String target = requestLine[1];
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    String query = q < 0 ? null : target.substring(q + 1);
    Map<String, String> headers = new HashMap<>();
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      if (line.isEmpty()) {
        break;
      }
      int colon = line.indexOf(':');
      if (colon <= 0 || !isToken(line.substring(0, colon))) {
        throw new MalformedRequestException("malformed header field");
      }
      headers.putIfAbsent(
          line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
    }
    return new HttpRequestHead(requestLine[0], path, query, Map.copyOf(headers));
  }

  private static boolean isToken(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
