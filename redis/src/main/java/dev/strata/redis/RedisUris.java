package dev.strata.redis;

import io.lettuce.core.RedisURI;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Parses Redis URIs and renders them, and any text that may quote one, without their secrets.
 *
 * <p>Every Strata component passes URIs and the messages of connection failures through {@link
 * #redact(String)} before they reach an exception message or a log line, so a password given in a
 * URI ({@code redis://user:secret@host}) never shows.
 *
 * <p>Stateless and thread-safe.
 */
public final class RedisUris {

  /** What replaces a secret. */
  public static final String MASK = "****";

  /**
   * A URI's user info: from "scheme://" up to the last '@' before the next '/', whitespace, quote
   * or end. Greedy, so a password containing '@' is covered whole.
   */
  private static final Pattern USER_INFO =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.\\-]*://)([^\\s/'\"<>]*)@");

  private RedisUris() {}

  /**
   * Returns {@code text} with the secret of every URI in it masked: {@code redis://user:pw@host}
   * becomes {@code redis://user:****@host}, {@code redis://pw@host} (a password alone, as Lettuce
   * reads it) becomes {@code redis://****@host}. Text without URIs is returned unchanged.
   *
   * @param text any text, e.g. a URI or an exception message; null gives {@code "null"}
   * @return the text without secrets
   */
  public static String redact(@Nullable String text) {
    if (text == null) {
      return "null";
    }
    if (text.indexOf('@') < 0) {
      return text;
    }
    Matcher m = USER_INFO.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    while (m.find()) {
      String userInfo = m.group(2);
      int colon = userInfo.indexOf(':');
      String kept = colon < 0 ? MASK : userInfo.substring(0, colon + 1) + MASK;
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + kept + "@"));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * Returns the message of a failure and of its causes, redacted: for logs and exception messages
   * that report why Redis could not be reached.
   *
   * @param failure the failure; not null
   * @return {@code "<type>: <message>"} of the failure, then {@code "; caused by ..."} for each
   *     cause with a different message, all without secrets
   */
  public static String describe(Throwable failure) {
    Objects.requireNonNull(failure, "failure must not be null");
    StringBuilder out = new StringBuilder();
    String previous = null;
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 8; t = t.getCause(), depth++) {
      String message = t.getMessage();
      if (message != null && message.equals(previous)) {
        continue;
      }
      if (out.length() > 0) {
        out.append("; caused by ");
      }
      out.append(t.getClass().getSimpleName());
      if (message != null) {
        out.append(": ").append(message);
      }
      previous = message;
    }
    return redact(out.toString());
  }

  /**
   * Parses a Redis URI as Lettuce does: {@code redis://[user:password@]host[:port][/database]},
   * {@code rediss://...} for TLS, {@code redis-socket:///path}, or {@code
   * redis-sentinel://[password@]host[:port][,host2[:port2]][/database]#masterName}.
   *
   * @param uri the URI; not null
   * @param field the name of the setting it came from, for the message
   * @return a new, mutable {@link RedisURI}
   * @throws NullPointerException naming {@code field} if {@code uri} is null
   * @throws IllegalArgumentException naming {@code field}, with the redacted URI, if it is invalid
   */
  public static RedisURI parse(@Nullable String uri, String field) {
    Objects.requireNonNull(uri, () -> field + " must not be null");
    try {
      return RedisURI.create(uri);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          field
              + " must be a Redis URI but was '"
              + redact(uri)
              + "' ("
              + redact(e.getMessage())
              + ")");
    }
  }

  /**
   * Renders a parsed URI without its secret, e.g. for {@code toString()} of a component.
   *
   * @param uri the URI; not null
   * @return e.g. {@code redis://127.0.0.1:6379/0}; never the password
   */
  public static String toString(RedisURI uri) {
    Objects.requireNonNull(uri, "uri must not be null");
    StringBuilder out = new StringBuilder();
    if (uri.getSentinelMasterId() != null) {
      out.append("redis-sentinel://");
      for (int i = 0; i < uri.getSentinels().size(); i++) {
        RedisURI sentinel = uri.getSentinels().get(i);
        out.append(i == 0 ? "" : ",").append(sentinel.getHost()).append(':');
        out.append(sentinel.getPort());
      }
      out.append('/').append(uri.getDatabase()).append('#').append(uri.getSentinelMasterId());
      return out.toString();
    }
    if (uri.getSocket() != null) {
      return "redis-socket://" + uri.getSocket();
    }
    out.append(uri.isSsl() ? "rediss://" : "redis://");
    out.append(uri.getHost()).append(':').append(uri.getPort());
    out.append('/').append(uri.getDatabase());
    return out.toString();
  }
}
