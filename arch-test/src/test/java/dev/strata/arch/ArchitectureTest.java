package dev.strata.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Keeps the rules of ARCHITECTURE.md on the main classes of every Strata module: module boundaries
 * (internal packages, dependency arrows), no Java native serialization, no grab-bag class names,
 * and the third-party diet of lb-algorithms. The rules with more machinery have classes of their
 * own: {@link PackageCyclesTest}, {@link InternalTypesTest}, {@link NullMarkedPackagesTest}, {@link
 * SourceFileLengthTest} and {@link LettuceOptionsTest}; each shows its rule failing on a bad class
 * under {@code dev.strata.arch.fixture}.
 */
class ArchitectureTest {
  private static final JavaClasses MAIN_CLASSES = MainClasses.IMPORTED;

  @ParameterizedTest
  @EnumSource(StrataModule.class)
  void everyModuleIsImported(StrataModule module) {
    // Guards the other rules against passing on an empty import.
    assertThat(MAIN_CLASSES.stream().filter(module.classes()::test))
        .as(
            "main classes of %s (package %s) on the arch-test class path",
            module.folder(), module.rootPackage())
        .isNotEmpty();
  }

  @ParameterizedTest
  @EnumSource(StrataModule.class)
  void noOtherModuleUsesTheInternalPackages(StrataModule module) {
    noClasses()
        .that(module.outsideClasses())
        .should()
        .dependOnClassesThat(module.internalClasses())
        .because("internal packages are implementation details of their module")
        .check(MAIN_CLASSES);
  }

  @ParameterizedTest
  @EnumSource(StrataModule.class)
  void dependenciesOnlyPointDownTheModuleTable(StrataModule module) {
    if (module.forbiddenDependencies().isEmpty()) {
      return;
    }
    noClasses()
        .that(module.classes())
        .should()
        .dependOnClassesThat(StrataModule.classesOfAny(module.forbiddenDependencies()))
        .because(
            module.folder()
                + " may depend on no Strata module but "
                + module.allowedDependencies().stream().map(StrataModule::folder).toList()
                + " (ARCHITECTURE.md module table)")
        .check(MAIN_CLASSES);
  }

  @Test
  void noMainCodeDependsOnTestSupport() {
    noClasses()
        .that(StrataModule.TEST_SUPPORT.outsideClasses())
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.strata.testsupport..")
        .because("test-support is for tests only")
        .check(MAIN_CLASSES);
  }

  @Test
  void noJavaNativeSerialization() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .areAssignableTo(ObjectInputStream.class)
        .orShould()
        .dependOnClassesThat()
        .areAssignableTo(ObjectOutputStream.class)
        .because("bytes from Redis, cookies and headers are untrusted input")
        .check(MAIN_CLASSES);
  }

  @Test
  void noGrabBagClassNames() {
    noClasses()
        .should()
        .haveSimpleNameEndingWith("Utils")
        .orShould()
        .haveSimpleNameEndingWith("Helper")
        .orShould()
        .haveSimpleNameEndingWith("Manager")
        .because("a class does one thing and its name says which")
        .check(MAIN_CLASSES);
  }

  @Test
  void lbAlgorithmsDependsOnlyOnTheJdkLoggingAndNullAnnotations() {
    classes()
        .that()
        .resideInAPackage("dev.strata.lb..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("java..", "javax..", "org.slf4j..", "org.jspecify..", "dev.strata.lb..")
        .because("lb-algorithms has no third-party runtime dependency beyond logging")
        .check(MAIN_CLASSES);
  }

  @Test
  void cacheApiAddsOnlyResilience4jRetryAndOptionalMicrometer() {
    classes()
        .that(StrataModule.CACHE_API.classes())
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "java..",
            "javax..",
            "org.slf4j..",
            "org.jspecify..",
            "io.github.resilience4j.retry..",
            "io.github.resilience4j.core..",
            "io.micrometer..",
            "dev.strata.cache..")
        .because("cache-api adds only Resilience4j Retry (Micrometer optional)")
        .check(MAIN_CLASSES);
  }

  @Test
  void noSpringOutsideTheStarter() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.springframework..")
        .because("no module depends on Spring except the starter and samples")
        .check(MAIN_CLASSES);
  }

  @Test
  void jacksonThreeOnly() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("com.fasterxml.jackson.core..", "com.fasterxml.jackson.databind..")
        .because("Strata uses Jackson 3 (tools.jackson), never Jackson 2")
        .check(MAIN_CLASSES);
  }
}
