package dev.strata.health.internal;

import java.net.URI;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place where the health module makes URIs and URLs safe to show: in check details, error
 * messages, logs and {@code toString()}. Applied to a URI or to free text (an exception message)
 * that contains URIs, it
 *
 * <ul>
 *   <li>replaces the user information ({@code user:password@}) with {@code ***@},
 *   <li>replaces the value of every query parameter with {@code ***}, keeping its name ({@code
 *       ?token=***&format=***}): any value may be a secret, so none is kept,
 *   <li>drops the fragment.
 * </ul>
 *
 * <p>Scheme, host, port and path are kept, so the message still says what was called. Stateless and
 * thread-safe.
 */
public final class UriRedaction {

  /** Text shown in place of a secret. */
  public static final String MASK = "***";

  // scheme://[userinfo@]authority-and-path[?query][#fragment], ending at white space or a quote
  private static final Pattern URI_IN_TEXT =
      Pattern.compile(
          "([a-zA-Z][a-zA-Z0-9+.\\-]*://)([^\\s/?#@\"'<>]*@)?([^\\s?#\"'<>]*)"
              + "(\\?[^\\s#\"'<>]*)?(#[^\\s\"'<>]*)?");

  private UriRedaction() {}

  /**
   * Returns the URI as text without user information, query values or fragment.
   *
   * @param uri the URI, not null
   * @return the redacted form, never null
   */
  public static String redact(URI uri) {
    Objects.requireNonNull(uri, "uri must not be null");
    if (uri.isOpaque()) {
      // mailto:..., urn:...: no structure to keep apart from the scheme
      return uri.getScheme() + ":" + MASK;
    }
    StringBuilder out = new StringBuilder();
    if (uri.getScheme() != null) {
      out.append(uri.getScheme()).append(':');
    }
    if (uri.getRawAuthority() != null) {
      out.append("//");
      if (uri.getHost() == null) {
        out.append(MASK); // a registry-based authority may hold anything
      } else {
        if (uri.getRawUserInfo() != null) {
          out.append(MASK).append('@');
        }
        String host = uri.getHost();
        out.append(host);
        if (uri.getPort() >= 0) {
          out.append(':').append(uri.getPort());
        }
      }
    }
    if (uri.getRawPath() != null) {
      out.append(uri.getRawPath());
    }
    if (uri.getRawQuery() != null) {
      redactQuery(out, "?" + uri.getRawQuery());
    }
    return out.toString();
  }

  /**
   * Returns the text with every {@code scheme://...} URI or URL in it redacted as {@link
   * #redact(URI)} does; other text is kept.
   *
   * @param text any text, not null (for example an exception message)
   * @return the redacted text, never null
   */
  public static String redactIn(String text) {
    Objects.requireNonNull(text, "text must not be null");
    if (text.indexOf("://") < 0) {
      return text;
    }
    Matcher m = URI_IN_TEXT.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    int last = 0;
    while (m.find()) {
      out.append(text, last, m.start());
      out.append(m.group(1));
      if (m.group(2) != null) {
        out.append(MASK).append('@');
      }
      out.append(m.group(3));
      String query = m.group(4);
      if (query != null) {
        redactQuery(out, query);
      }
      last = m.end();
    }
    return out.append(text, last, text.length()).toString();
  }

  private static void redactQuery(StringBuilder out, String query) {
    out.append('?');
    String[] params = query.substring(1).split("[&;]", -1);
    for (int i = 0; i < params.length; i++) {
      if (i > 0) {
        out.append('&');
      }
      String param = params[i];
      int eq = param.indexOf('=');
      if (eq >= 0) {
        out.append(param, 0, eq).append('=').append(MASK);
      } else if (!param.isEmpty()) {
        // a bare value (?SECRET) may itself be the secret
        out.append(MASK);
      }
    }
  }
}
