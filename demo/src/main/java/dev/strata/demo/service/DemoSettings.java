package dev.strata.demo.service;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The service's own settings, {@code strata.demo.*}.
 *
 * @param instance the instance id reported in every response ({@code app-1}), required
 * @param parentPid the process whose end ends this one, or null to watch none
 * @param drainDelay how long the service keeps serving after readiness went down on shutdown
 */
@ConfigurationProperties("strata.demo")
public record DemoSettings(
    String instance, @Nullable Long parentPid, @DefaultValue("2s") Duration drainDelay) {

  private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /**
   * Validates the settings.
   *
   * @throws IllegalArgumentException naming the property whose value is missing or unusable
   */
  public DemoSettings {
    if (instance == null || !INSTANCE.matcher(instance).matches()) {
      throw new IllegalArgumentException(
          "strata.demo.instance must be 1 to 64 letters, digits, '.', '_' or '-' but was "
              + (instance == null ? "missing" : "'" + instance + "'"));
    }
    if (parentPid != null && parentPid <= 0) {
      throw new IllegalArgumentException(
          "strata.demo.parent-pid must be a positive process id but was " + parentPid);
    }
    Objects.requireNonNull(drainDelay, "strata.demo.drain-delay");
    if (drainDelay.isNegative()) {
      throw new IllegalArgumentException(
          "strata.demo.drain-delay must not be negative but was " + drainDelay);
    }
  }
}
