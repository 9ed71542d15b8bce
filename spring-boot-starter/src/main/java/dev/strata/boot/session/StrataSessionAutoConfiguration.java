package dev.strata.boot.session;

import dev.strata.boot.StrataConfigurationException;
import dev.strata.boot.health.ReadinessCheck;
import dev.strata.boot.redis.RedisConnectionSettings;
import dev.strata.boot.redis.StrataRedisAutoConfiguration;
import dev.strata.health.HealthCheck;
import dev.strata.session.AttributeCodec;
import dev.strata.session.JsonAttributeCodec;
import dev.strata.session.RedisSessionStore;
import dev.strata.session.SessionStore;
import dev.strata.session.metrics.SessionStoreMetrics;
import dev.strata.session.servlet.SessionFilter;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.binder.MeterBinder;
import jakarta.servlet.Filter;
import java.time.Duration;
import java.util.function.Consumer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * With {@code strata.session.enabled=true} in a servlet application: a {@link RedisSessionStore} on
 * Strata's Redis client and Strata's {@link SessionFilter} registered ahead of Spring Security's
 * filter chain, so {@code request.getSession()} (and with it Spring Security's session-held login)
 * is shared by every instance. Cookie settings and the idle timeout come from {@code
 * strata.session.*}, else Spring Boot's {@code server.servlet.session.*}. With Spring Security: the
 * security context is stored as principal name and authorities, fixation protection's {@code
 * changeSessionId()} rotates the id in the store atomically, a login indexes the session under the
 * principal's name, and logout invalidates it in Redis.
 */
@AutoConfiguration(after = StrataRedisAutoConfiguration.class)
@ConditionalOnClass({SessionFilter.class, RedisClient.class, Filter.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBooleanProperty("strata.session.enabled")
@EnableConfigurationProperties(StrataSessionProperties.class)
public class StrataSessionAutoConfiguration {

  /** Creates the configuration; Spring calls it. */
  public StrataSessionAutoConfiguration() {}

  /**
   * The session store.
   *
   * @param client Strata's Redis client, required
   * @param properties the session properties
   * @param environment for {@code server.servlet.session.timeout}
   * @param codec the application's attribute codec, if any
   * @param settings the Redis connection settings, for the command timeout
   * @return the store, closed with the context
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(SessionStore.class)
  RedisSessionStore strataSessionStore(
      ObjectProvider<RedisClient> client,
      StrataSessionProperties properties,
      Environment environment,
      ObjectProvider<AttributeCodec> codec,
      ObjectProvider<RedisConnectionSettings> settings) {
    RedisClient redis = client.getIfAvailable();
    if (redis == null) {
      throw new StrataConfigurationException(
          "strata.session.enabled",
          "true",
          "sessions need Redis: set strata.redis.url (or spring.data.redis.host) or provide a"
              + " RedisClient bean",
          null);
    }
    Duration timeout =
        properties.getTimeout() != null
            ? properties.getTimeout()
            : Binder.get(environment)
                .bind("server.servlet.session.timeout", Duration.class)
                .orElse(Duration.ofMinutes(30));
    String timeoutProperty =
        properties.getTimeout() != null
            ? "strata.session.timeout"
            : "server.servlet.session.timeout";
    RedisSessionStore.Builder builder = RedisSessionStore.builder(redis);
    apply(timeoutProperty, timeout, builder::idleTimeout);
    apply("strata.session.max-lifetime", properties.getMaxLifetime(), builder::maxLifetime);
    apply(
        "strata.session.max-sessions-per-principal",
        properties.getMaxSessionsPerPrincipal(),
        builder::maxSessionsPerPrincipal);
    apply("strata.session.key-prefix", properties.getKeyPrefix(), builder::keyPrefix);
    RedisConnectionSettings resolved = settings.getIfAvailable();
    if (resolved != null) {
      builder.commandTimeout(resolved.commandTimeout());
    }
    builder.codec(codec.getIfAvailable(JsonAttributeCodec::defaults));
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new StrataConfigurationException("strata.session", "(see reason)", e.getMessage(), e);
    }
  }

  /**
   * The session filter, ordered ahead of Spring Security's.
   *
   * @param store the session store
   * @param properties the session properties
   * @param environment for {@code server.servlet.session.cookie.*}
   * @return the registration
   */
  @Bean
  @ConditionalOnMissingBean(name = "strataSessionFilter")
  FilterRegistrationBean<SessionFilter> strataSessionFilter(
      SessionStore store, StrataSessionProperties properties, Environment environment) {
    SessionFilter filter =
        SessionCookies.build(SessionFilter.builder(store), properties, environment);
    FilterRegistrationBean<SessionFilter> registration = new FilterRegistrationBean<>(filter);
    registration.setName("strataSessionFilter");
    registration.setOrder(properties.getFilterOrder());
    return registration;
  }

  private static <T> void apply(String property, T value, Consumer<T> setter) {
    try {
      setter.accept(value);
    } catch (IllegalArgumentException e) {
      throw new StrataConfigurationException(property, String.valueOf(value), e.getMessage(), null);
    }
  }

  /** Spring Security integration. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.security.core.context.SecurityContext")
  static class SecurityIntegration {

    @Bean
    @ConditionalOnMissingBean(AttributeCodec.class)
    AttributeCodec strataSessionAttributeCodec() {
      return new SecurityContextAttributeCodec(JsonAttributeCodec.defaults());
    }

    @Bean
    PrincipalIndexing strataSessionPrincipalIndexing() {
      return new PrincipalIndexing();
    }
  }

  /** Session store availability in the readiness group. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthCheck.class)
  static class SessionHealth {

    @Bean
    ReadinessCheck strataSessionStoreReadiness(SessionStore store) {
      return new ReadinessCheck(
          "sessionStore", HealthCheck.of(store::isAvailable, "session store unavailable"));
    }
  }

  /** Session store meters. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterBinder.class)
  @ConditionalOnBean(SessionStore.class)
  static class SessionMeters {

    @Bean
    MeterBinder strataSessionStoreMetrics(SessionStore store) {
      return new SessionStoreMetrics(store, "strata");
    }
  }
}
