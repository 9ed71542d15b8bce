package dev.strata.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.all;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaPackage;
import com.tngtech.archunit.lang.AbstractClassesTransformer;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Comparator;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every main package of every Strata module has a {@code package-info.java} annotated with
 * jspecify's {@code @NullMarked}, so that unannotated types mean "not null" everywhere and
 * {@code @Nullable} marks the exceptions.
 */
class NullMarkedPackagesTest {
  private static final String NULL_MARKED = "org.jspecify.annotations.NullMarked";

  @Test
  void everyMainPackageIsNullMarked() {
    everyPackageIsNullMarked().check(MainClasses.IMPORTED);
  }

  @Test
  void passesOnANullMarkedPackage() {
    everyPackageIsNullMarked().check(MainClasses.fixture("nullmarked.marked"));
  }

  @Test
  void failsOnAPackageWithoutPackageInfo() {
    assertThatThrownBy(
            () -> everyPackageIsNullMarked().check(MainClasses.fixture("nullmarked.missing")))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(
            "package dev.strata.arch.fixture.nullmarked.missing has no annotated package-info.java");
  }

  @Test
  void failsOnAPackageInfoWithoutNullMarked() {
    assertThatThrownBy(
            () -> everyPackageIsNullMarked().check(MainClasses.fixture("nullmarked.unmarked")))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(
            "package-info.java of dev.strata.arch.fixture.nullmarked.unmarked is not annotated"
                + " @NullMarked");
  }

  static ArchRule everyPackageIsNullMarked() {
    return all(packagesWithClasses())
        .should(haveANullMarkedPackageInfo())
        .because("ARCHITECTURE.md: a package-info.java with @NullMarked in every package");
  }

  /** The packages that hold at least one class besides {@code package-info}. */
  private static AbstractClassesTransformer<JavaPackage> packagesWithClasses() {
    return new AbstractClassesTransformer<>("packages") {
      @Override
      public Iterable<JavaPackage> doTransform(JavaClasses classes) {
        Set<JavaPackage> packages = new TreeSet<>(Comparator.comparing(JavaPackage::getName));
        for (JavaClass javaClass : classes) {
          if (!javaClass.getSimpleName().equals("package-info")) {
            packages.add(javaClass.getPackage());
          }
        }
        return packages;
      }
    };
  }

  private static ArchCondition<JavaPackage> haveANullMarkedPackageInfo() {
    return new ArchCondition<>("have a package-info.java annotated @NullMarked") {
      @Override
      public void check(JavaPackage javaPackage, ConditionEvents events) {
        if (javaPackage.tryGetPackageInfo().isEmpty()) {
          events.add(
              SimpleConditionEvent.violated(
                  javaPackage,
                  "package " + javaPackage.getName() + " has no annotated package-info.java"));
        } else if (!javaPackage.isAnnotatedWith(NULL_MARKED)) {
          events.add(
              SimpleConditionEvent.violated(
                  javaPackage,
                  "package-info.java of "
                      + javaPackage.getName()
                      + " is not annotated @NullMarked"));
        }
      }
    };
  }
}
