package dev.strata.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/** The classes the rules check, imported once per test JVM. */
final class MainClasses {

  /** The main (non-test) classes of every Strata module on the arch-test class path. */
  static final JavaClasses IMPORTED =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .withImportOption(location -> !location.contains("-tests.jar"))
          .importPackages("dev.strata");

  private MainClasses() {}

  /**
   * Imports the deliberately bad (or deliberately good) classes under {@code
   * dev.strata.arch.fixture.<name>} that show a rule fails (or passes) where it should.
   */
  static JavaClasses fixture(String name) {
    return new ClassFileImporter().importPackages("dev.strata.arch.fixture." + name);
  }
}
