package dev.strata.boot.internal;

import dev.strata.boot.StrataConfigurationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link StrataConfigurationException} at startup into Spring Boot's failure report: the
 * property, its bad value and what to do.
 */
public final class StrataConfigurationFailureAnalyzer
    extends AbstractFailureAnalyzer<StrataConfigurationException> {

  /** Creates the analyzer; Spring Boot calls it. */
  public StrataConfigurationFailureAnalyzer() {}

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, StrataConfigurationException cause) {
    return new FailureAnalysis(
        "Invalid Strata configuration: property '"
            + cause.property()
            + "' has the value '"
            + cause.value()
            + "': "
            + cause.getMessage().substring(cause.getMessage().indexOf("': ") + 3),
        "Correct the value of '" + cause.property() + "' in your application configuration.",
        cause);
  }
}
