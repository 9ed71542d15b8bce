package dev.strata.testsupport.internal;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

/**
 * A Redis server that test support did not start and cannot control (named by {@code
 * STRATA_REDIS_URL} or {@code strata.redis.url}). Fault operations abort the calling test.
 */
public final class ExternalRedis implements RedisInstance {
  private final String uri;
  private final String host;
  private final int port;
  private final RespClient admin;

  private ExternalRedis(
      String uri, String host, int port, @Nullable String user, @Nullable String password) {
    this.uri = uri;
    this.host = host;
    this.port = port;
    this.admin = new RespClient(host, port, user, password);
  }

  /**
   * Parses {@code redis://[[user]:password@]host[:port][/db]}.
   *
   * @throws IllegalArgumentException when the URI is not of that shape
   */
  /** The URI with any user information masked, for messages. */
  static String withoutPassword(String uri) {
    return uri.replaceAll("//[^/@]*@", "//***@");
  }

  public static ExternalRedis parse(String uri) {
    URI parsed;
    try {
      parsed = URI.create(uri.trim());
    } catch (IllegalArgumentException e) {
      // no cause: the parser's message repeats the input, password included
      throw new IllegalArgumentException(
          "STRATA_REDIS_URL is not a valid URI: '" + withoutPassword(uri) + "'");
    }
    if (!"redis".equals(parsed.getScheme()) || parsed.getHost() == null) {
      throw new IllegalArgumentException(
          "STRATA_REDIS_URL must look like redis://[user:password@]host:port but was '"
              + withoutPassword(uri)
              + "'");
    }
    String user = null;
    String password = null;
    String userInfo = parsed.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      if (colon < 0) {
        password = decode(userInfo);
      } else {
        user = colon == 0 ? null : decode(userInfo.substring(0, colon));
        password = decode(userInfo.substring(colon + 1));
      }
    }
    int port = parsed.getPort() < 0 ? 6379 : parsed.getPort();
    return new ExternalRedis(uri.trim(), parsed.getHost(), port, user, password);
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }

  @Override
  public String host() {
    return host;
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public String uri() {
    return uri;
  }

  @Override
  public RespClient admin() {
    return admin;
  }

  private <T> T unsupported(String operation) {
    return Assumptions.abort(
        "cannot "
            + operation
            + " the external Redis at "
            + host
            + ":"
            + port
            + " (STRATA_REDIS_URL / strata.redis.url is set); unset it to run fault tests on a"
            + " private redis-server");
  }

  @Override
  public void suspend() {
    unsupported("suspend");
  }

  @Override
  public void resume() {
    unsupported("resume");
  }

  @Override
  public void kill() {
    unsupported("kill");
  }

  @Override
  public void restart() {
    unsupported("restart");
  }

  @Override
  public boolean isRunning() {
    return true;
  }

  @Override
  public boolean isSuspended() {
    return false;
  }

  @Override
  public Optional<Path> logFile() {
    return Optional.empty();
  }

  @Override
  public void close() {
    // Not ours to stop.
  }
}
