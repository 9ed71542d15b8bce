package dev.strata.boot.redis;

import io.lettuce.core.RedisClient;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks at startup that the Lettuce on the class path is of the 7.x line Strata is built and
 * tested on. Spring Boot 4.0's dependency management picks Lettuce 6.8.x, which an application
 * importing Boot's BOM gets unless it sets the Maven property {@code lettuce.version} (or pins
 * {@code io.lettuce:lettuce-core} in its own dependency management) to 7.7.0.RELEASE.
 */
public final class LettuceVersionCheck {

  private static final Logger LOG = LoggerFactory.getLogger(LettuceVersionCheck.class);

  private final @Nullable String version;

  /**
   * Reads the version of the Lettuce on the class path.
   *
   * @param version the version to check, or null when the jar does not say
   */
  LettuceVersionCheck(@Nullable String version) {
    this.version = version;
  }

  /**
   * Returns a check of the Lettuce jar's own version (from its manifest).
   *
   * @return the check
   */
  public static LettuceVersionCheck ofClassPath() {
    return new LettuceVersionCheck(RedisClient.class.getPackage().getImplementationVersion());
  }

  /**
   * Returns the version found, or null if unknown.
   *
   * @return the version
   */
  public @Nullable String version() {
    return version;
  }

  /**
   * Tells whether the version is supported: 7.x or newer, or unknown.
   *
   * @return true when supported
   */
  public boolean supported() {
    if (version == null) {
      return true;
    }
    int dot = version.indexOf('.');
    try {
      return Integer.parseInt(dot < 0 ? version : version.substring(0, dot)) >= 7;
    } catch (NumberFormatException e) {
      return true;
    }
  }

  /**
   * Fails or warns when the version is not supported.
   *
   * @param fail whether to fail ({@code strata.redis.require-lettuce7})
   * @throws IllegalStateException when {@code fail} and the version is not supported
   */
  public void verify(boolean fail) {
    if (supported()) {
      return;
    }
    String message =
        "Strata needs Lettuce 7.x but the class path has lettuce-core "
            + version
            + " (Spring Boot's dependency management picks 6.8.x). Set the Maven property"
            + " <lettuce.version>7.7.0.RELEASE</lettuce.version> (spring-boot-starter-parent), or"
            + " declare io.lettuce:lettuce-core 7.7.0.RELEASE in your dependencyManagement before"
            + " the Spring Boot BOM; strata.redis.require-lettuce7=false starts anyway.";
    if (fail) {
      throw new IllegalStateException(message);
    }
    LOG.warn(message);
  }
}
