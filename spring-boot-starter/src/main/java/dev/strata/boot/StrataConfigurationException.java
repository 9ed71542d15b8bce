package dev.strata.boot;

/**
 * Thrown at startup when a {@code strata.*} property has a value Strata cannot use. The message,
 * and the failure analysis Spring Boot prints for it, name the property and the bad value (never
 * the value of a secret).
 */
public class StrataConfigurationException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String property;
  private final String value;

  /**
   * Creates the exception.
   *
   * @param property the full name of the property, e.g. {@code strata.cache.caches.users.ttl}
   * @param value the bad value as configured
   * @param reason what is wrong with it
   * @param cause the exception that showed it, or null
   */
  public StrataConfigurationException(
      String property,
      String value,
      String reason,
      @org.jspecify.annotations.Nullable Throwable cause) {
    super(property + " = '" + value + "': " + reason, cause);
    this.property = property;
    this.value = value;
  }

  /**
   * Returns the full name of the property whose value is wrong.
   *
   * @return the property name
   */
  public String property() {
    return property;
  }

  /**
   * Returns the bad value as configured.
   *
   * @return the value
   */
  public String value() {
    return value;
  }
}
