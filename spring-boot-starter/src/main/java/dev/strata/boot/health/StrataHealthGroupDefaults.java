package dev.strata.boot.health;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;

/**
 * Adds defaults (the lowest-priority property source, so an application's own settings win) that
 * put Strata's health where Spring Boot's probes look: the liveness and readiness groups are
 * enabled, the readiness group includes {@code readinessState} and {@code strata}, and the status
 * {@code DEGRADED} is ordered between DOWN and UP. Nothing is added when {@code
 * strata.health.enabled=false}, when Strata's health classes are absent, or when the application
 * configures the readiness group itself.
 */
public final class StrataHealthGroupDefaults implements EnvironmentPostProcessor {

  private static final String SOURCE = "strataHealthDefaults";

  /** Creates the post-processor; Spring Boot calls it. */
  public StrataHealthGroupDefaults() {}

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    ClassLoader loader = application.getClassLoader();
    if (!environment.getProperty("strata.health.enabled", Boolean.class, true)
        || !ClassUtils.isPresent("dev.strata.health.HealthCheck", loader)
        || !ClassUtils.isPresent(
            "org.springframework.boot.health.contributor.HealthIndicator", loader)) {
      return;
    }
    Map<String, Object> defaults = new LinkedHashMap<>();
    defaults.put("management.endpoint.health.probes.enabled", "true");
    if (!environment.containsProperty("management.endpoint.health.group.readiness.include")) {
      defaults.put("management.endpoint.health.group.readiness.include", "readinessState,strata");
    }
    defaults.put(
        "management.endpoint.health.status.order", "down,out-of-service,degraded,up,unknown");
    environment.getPropertySources().addLast(new MapPropertySource(SOURCE, defaults));
  }
}
