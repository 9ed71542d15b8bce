package dev.strata.demo.service;

import dev.strata.session.AttributeCodec;
import dev.strata.session.JsonAttributeCodec;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One instance of the scale-out demo's service: a product catalogue read through a tiered Strata
 * cache, price updates written through, a login and a cart in Strata's Redis session, and the
 * probes a balancer needs. Started as
 *
 * <pre>{@code
 * java -cp strata-demo.jar dev.strata.demo.service.DemoServiceApplication --server.port=8081
 *     --strata.demo.instance=app-1 --strata.redis.url=redis://127.0.0.1:6379
 *     --spring.datasource.url=jdbc:h2:tcp://127.0.0.1:9092/mem:catalog;DB_CLOSE_DELAY=-1
 *     --spring.datasource.username=sa --spring.datasource.password=
 *     [--strata.demo.parent-pid=<pid>] [--strata.demo.drain-delay=2s]
 * }</pre>
 *
 * <p>Only the auto-configurations it uses are imported (no class-path-wide scan of conditions),
 * which keeps the start short when several instances start at once on a small machine.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableCaching
@EnableConfigurationProperties(DemoSettings.class)
@Import({DemoApiController.class, StatusPageController.class})
@ImportAutoConfiguration(
    classes = {
      org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration.class,
      org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration.class,
      org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration.class,
      org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration
          .class,
      org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration.class,
      org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration.class,
      org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration
          .class,
      org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration
          .class,
      org.springframework.boot.servlet.autoconfigure.HttpEncodingAutoConfiguration.class,
      org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration.class,
      org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration.class,
      org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration.class,
      org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration.class,
      org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration
          .class,
      org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration.class,
      org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration.class,
      org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration.class,
      org.springframework.boot.actuate.autoconfigure.endpoint.jackson
          .JacksonEndpointAutoConfiguration.class,
      org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration
          .class,
      org.springframework.boot.actuate.autoconfigure.web.server.ManagementContextAutoConfiguration
          .class,
      org.springframework.boot.servlet.autoconfigure.actuate.web
          .ServletManagementContextAutoConfiguration.class,
      org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration
          .class,
      org.springframework.boot.health.autoconfigure.registry
          .HealthContributorRegistryAutoConfiguration.class,
      org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration
          .class,
      org.springframework.boot.health.autoconfigure.actuate.endpoint
          .AvailabilityProbesAutoConfiguration.class,
      org.springframework.boot.health.autoconfigure.application
          .AvailabilityHealthContributorAutoConfiguration.class,
      org.springframework.boot.webmvc.autoconfigure.actuate.endpoint.web
          .WebMvcHealthEndpointExtensionAutoConfiguration.class,
      org.springframework.boot.jdbc.autoconfigure.health
          .DataSourceHealthContributorAutoConfiguration.class,
      dev.strata.boot.redis.StrataRedisAutoConfiguration.class,
      dev.strata.boot.cache.StrataCacheAutoConfiguration.class,
      dev.strata.boot.session.StrataSessionAutoConfiguration.class,
      dev.strata.boot.health.StrataHealthAutoConfiguration.class
    })
public class DemoServiceApplication {

  /** Creates the configuration; Spring calls it. */
  public DemoServiceApplication() {}

  /**
   * Starts an instance; returns once it serves (the JVM then lives until shutdown).
   *
   * @param args Spring Boot command-line properties, see the class documentation
   */
  public static void main(String[] args) {
    if (System.getProperty("io.lettuce.core.jfr") == null) {
      System.setProperty("io.lettuce.core.jfr", "false"); // no JFR events: less to load at start
    }
    SpringApplication.run(DemoServiceApplication.class, args);
  }

  @Bean
  ProductCatalog productCatalog(
      JdbcTemplate jdbc,
      TransactionTemplate transactions,
      CacheManager caches,
      Environment environment) {
    // without it Spring Boot would quietly make an empty embedded database
    if (!environment.containsProperty("spring.datasource.url")) {
      throw new IllegalStateException(
          "spring.datasource.url is required: the JDBC URL of the database with the product table");
    }
    return new ProductCatalog(jdbc, transactions, caches);
  }

  /** Session attributes: the user name (a string) and cart lines (tagged JSON of one type). */
  @Bean
  AttributeCodec sessionAttributeCodec() {
    return JsonAttributeCodec.builder().allowType("cartItem", CartItem.class).build();
  }

  @Bean
  FilterRegistrationBean<InstanceHeaderFilter> instanceHeaderFilter(DemoSettings settings) {
    FilterRegistrationBean<InstanceHeaderFilter> registration =
        new FilterRegistrationBean<>(new InstanceHeaderFilter(settings.instance()));
    registration.setName("instanceHeaderFilter");
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return registration;
  }

  @Bean
  GracefulDrain gracefulDrain(ApplicationEventPublisher events, DemoSettings settings) {
    return new GracefulDrain(events, settings);
  }

  @Bean
  ParentProcessWatch parentProcessWatch(DemoSettings settings, GracefulDrain drain) {
    return new ParentProcessWatch(settings, drain);
  }
}
