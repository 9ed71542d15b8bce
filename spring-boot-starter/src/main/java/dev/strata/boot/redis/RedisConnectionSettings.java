package dev.strata.boot.redis;

import dev.strata.boot.StrataConfigurationException;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The Redis connection Strata uses, resolved from {@code strata.redis.*} with Spring Boot's {@code
 * spring.data.redis.*} as the fallback for every unset setting. Immutable.
 *
 * @param uri where to connect, with credentials; its {@code toString()} hides the password
 * @param source the property prefix the address came from ({@code strata.redis} or {@code
 *     spring.data.redis}), for messages
 * @param commandTimeout how long a command may take
 * @param connectTimeout how long connecting may take
 */
public record RedisConnectionSettings(
    RedisURI uri, String source, Duration commandTimeout, Duration connectTimeout) {

  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

  /**
   * Tells whether a Redis address is configured under {@code strata.redis} or {@code
   * spring.data.redis}.
   *
   * @param environment the application's environment
   * @return true when a URL or host is set under either prefix
   */
  public static boolean isConfigured(Environment environment) {
    return environment.containsProperty("strata.redis.url")
        || environment.containsProperty("strata.redis.host")
        || environment.containsProperty("spring.data.redis.url")
        || environment.containsProperty("spring.data.redis.host");
  }

  /**
   * Resolves the settings.
   *
   * @param properties the bound {@code strata.redis.*} properties
   * @param environment the environment, for {@code spring.data.redis.*}
   * @return the settings
   * @throws StrataConfigurationException naming the property and value that do not form a valid
   *     Redis address (the password is never included)
   */
  public static RedisConnectionSettings resolve(
      StrataRedisProperties properties, Environment environment) {
    Binder binder = Binder.get(environment);
    String springPrefix = "spring.data.redis.";
    Duration timeout =
        firstNonNull(
            properties.getTimeout(),
            binder.bind(springPrefix + "timeout", Duration.class).orElse(null),
            DEFAULT_TIMEOUT);
    Duration connectTimeout =
        firstNonNull(
            properties.getConnectTimeout(),
            binder.bind(springPrefix + "connect-timeout", Duration.class).orElse(null),
            DEFAULT_TIMEOUT);
    requirePositive("strata.redis.timeout", timeout);
    requirePositive("strata.redis.connect-timeout", connectTimeout);

    String url = properties.getUrl();
    String urlProperty = "strata.redis.url";
    String source = "strata.redis";
    if (url == null && properties.getHost() == null) {
      url = binder.bind(springPrefix + "url", String.class).orElse(null);
      urlProperty = springPrefix + "url";
      source = "spring.data.redis";
    }
    RedisURI uri;
    if (url != null) {
      try {
        uri = RedisURI.create(url);
      } catch (RuntimeException e) {
        throw new StrataConfigurationException(
            urlProperty,
            redact(url),
            "not a Redis URL (redis://host:port/db or rediss://...)",
            null); // the parser's message may quote the password
      }
    } else {
      String host = properties.getHost();
      if (host == null) {
        host = binder.bind(springPrefix + "host", String.class).orElse("localhost");
        source = "spring.data.redis";
      }
      int port =
          firstNonNull(
              properties.getPort(),
              binder.bind(springPrefix + "port", Integer.class).orElse(null),
              RedisURI.DEFAULT_REDIS_PORT);
      if (port < 1 || port > 65535) {
        throw new StrataConfigurationException(
            source + ".port", String.valueOf(port), "must be from 1 to 65535", null);
      }
      int database =
          firstNonNull(
              properties.getDatabase(),
              binder.bind(springPrefix + "database", Integer.class).orElse(null),
              0);
      if (database < 0) {
        throw new StrataConfigurationException(
            source + ".database", String.valueOf(database), "must not be negative", null);
      }
      boolean ssl =
          firstNonNull(
              properties.getSsl(),
              binder.bind(springPrefix + "ssl.enabled", Boolean.class).orElse(null),
              false);
      RedisURI.Builder builder =
          RedisURI.builder().withHost(host).withPort(port).withDatabase(database).withSsl(ssl);
      String username =
          properties.getUsername() != null
              ? properties.getUsername()
              : binder.bind(springPrefix + "username", String.class).orElse(null);
      String password =
          properties.getPassword() != null
              ? properties.getPassword()
              : binder.bind(springPrefix + "password", String.class).orElse(null);
      if (password != null) {
        if (username != null) {
          builder.withAuthentication(username, password);
        } else {
          builder.withPassword(password.toCharArray());
        }
      }
      uri = builder.build();
    }
    uri.setTimeout(timeout);
    return new RedisConnectionSettings(uri, source, timeout, connectTimeout);
  }

  /** Replaces the password part of a URL for messages. */
  static String redact(String url) {
    return url.replaceAll("(?<=://)([^@/]*)@", "***@");
  }

  private static void requirePositive(String property, Duration value) {
    if (value.isZero() || value.isNegative()) {
      throw new StrataConfigurationException(
          property, value.toString(), "must be a positive duration", null);
    }
  }

  @SafeVarargs
  private static <T> T firstNonNull(@Nullable T... values) {
    for (T value : values) {
      if (value != null) {
        return value;
      }
    }
    throw new IllegalStateException("no default");
  }

  @Override
  public String toString() {
    return "RedisConnectionSettings[" + uri + " from " + source + "]";
  }
}
