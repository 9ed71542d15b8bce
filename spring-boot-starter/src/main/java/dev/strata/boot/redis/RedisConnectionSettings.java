package dev.strata.boot.redis;

import dev.strata.boot.StrataConfigurationException;
import dev.strata.redis.RedisSettings;
import dev.strata.redis.RedisUris;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The Redis connection policy Strata uses, resolved from {@code strata.redis.*} with Spring Boot's
 * {@code spring.data.redis.*} as the fallback for every unset address setting, and validated by
 * {@link RedisSettings}. Immutable.
 *
 * @param settings the validated settings; their {@code toString()} hides the password
 * @param source the property prefix the address came from ({@code strata.redis} or {@code
 *     spring.data.redis}), for messages
 */
public record RedisConnectionSettings(RedisSettings settings, String source) {

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
   * Returns the command timeout.
   *
   * @return the timeout every command waits at most
   */
  public Duration commandTimeout() {
    return settings.commandTimeout();
  }

  /**
   * Resolves the settings.
   *
   * @param properties the bound {@code strata.redis.*} properties
   * @param environment the environment, for {@code spring.data.redis.*}
   * @return the settings
   * @throws StrataConfigurationException naming the property and value that do not form valid
   *     settings (a password is never included)
   */
  public static RedisConnectionSettings resolve(
      StrataRedisProperties properties, Environment environment) {
    Binder binder = Binder.get(environment);
    String springPrefix = "spring.data.redis.";
    Duration timeout =
        firstNonNull(
            properties.getTimeout(),
            binder.bind(springPrefix + "timeout", Duration.class).orElse(null),
            RedisSettings.DEFAULT_COMMAND_TIMEOUT);
    Duration connectTimeout =
        firstNonNull(
            properties.getConnectTimeout(),
            binder.bind(springPrefix + "connect-timeout", Duration.class).orElse(null),
            RedisSettings.DEFAULT_CONNECT_TIMEOUT);
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
    RedisSettings.Builder builder;
    if (url != null) {
      try {
        builder = RedisSettings.builder(url);
      } catch (IllegalArgumentException e) {
        throw new StrataConfigurationException(
            urlProperty,
            RedisUris.redact(url),
            "not a Redis URL (redis://host:port/db, rediss://... or redis-sentinel://...#master)",
            null);
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
              6379);
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
      String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
      String uri = (ssl ? "rediss://" : "redis://") + hostPart + ":" + port + "/" + database;
      try {
        builder = RedisSettings.builder(uri);
      } catch (IllegalArgumentException e) {
        throw new StrataConfigurationException(source + ".host", host, e.getMessage(), null);
      }
      String username =
          properties.getUsername() != null
              ? properties.getUsername()
              : binder.bind(springPrefix + "username", String.class).orElse(null);
      String password =
          properties.getPassword() != null
              ? properties.getPassword()
              : binder.bind(springPrefix + "password", String.class).orElse(null);
      if (password != null) {
        String secret = password;
        builder.credentials(username, secret::toCharArray);
      }
    }
    builder.commandTimeout(timeout).connectTimeout(connectTimeout);
    if (properties.getVerifyPeer() != null) {
      builder.verifyPeer(properties.getVerifyPeer());
    }
    if (properties.getClientName() != null) {
      String name = properties.getClientName();
      apply("strata.redis.client-name", name, () -> builder.clientName(name));
    }
    if (properties.getRequestQueueSize() != null) {
      int size = properties.getRequestQueueSize();
      apply(
          "strata.redis.request-queue-size",
          String.valueOf(size),
          () -> builder.requestQueueSize(size));
    }
    RedisSettings settings;
    try {
      settings = builder.build();
    } catch (IllegalArgumentException e) {
      // RedisSettings names its field first; report the property it came from
      String message = String.valueOf(e.getMessage());
      Map<String, String[]> fields = new LinkedHashMap<>();
      fields.put(
          "requestQueueSize",
          new String[] {
            "strata.redis.request-queue-size", String.valueOf(properties.getRequestQueueSize())
          });
      fields.put(
          "clientName",
          new String[] {"strata.redis.client-name", String.valueOf(properties.getClientName())});
      fields.put("commandTimeout", new String[] {"strata.redis.timeout", String.valueOf(timeout)});
      fields.put(
          "connectTimeout",
          new String[] {"strata.redis.connect-timeout", String.valueOf(connectTimeout)});
      for (Map.Entry<String, String[]> field : fields.entrySet()) {
        if (message.startsWith(field.getKey())) {
          throw new StrataConfigurationException(
              field.getValue()[0], field.getValue()[1], message, null);
        }
      }
      throw new StrataConfigurationException(source, "(see reason)", message, null);
    }
    return new RedisConnectionSettings(settings, source);
  }

  private static void apply(String property, String value, Runnable setter) {
    try {
      setter.run();
    } catch (IllegalArgumentException e) {
      throw new StrataConfigurationException(property, value, e.getMessage(), null);
    }
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
    return "RedisConnectionSettings[" + settings + " from " + source + "]";
  }
}
