package dev.strata.session.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Turns a session id into a short SHA-256 fingerprint for log messages, so that ids never appear in
 * logs in clear while two log lines about the same session can still be matched.
 *
 * <p>Thread-safe; only called off the hot path (when something is logged).
 */
public final class SessionIdFingerprint {

  private SessionIdFingerprint() {}

  /**
   * Returns the first 8 bytes of SHA-256 of the id, in hex.
   *
   * @param id the session id
   * @return 16 hex characters
   */
  public static String of(String id) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
