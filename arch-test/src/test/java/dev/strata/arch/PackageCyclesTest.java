package dev.strata.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.all;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.AbstractClassesTransformer;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * No package cycles within or between Strata modules.
 *
 * <p>The rule, precisely: take every package under {@code dev.strata} as a node and draw {@code P
 * -> Q} when a main class of {@code P} depends on a class of {@code Q} in any way ArchUnit sees (a
 * call, a field, a signature, a super type, an annotation). Every strongly connected component of
 * that graph (a set of packages that reach each other through cycles) must be a single package,
 * with one exception: exactly a package {@code P} and its own direct {@code P.internal}, which may
 * use each other so that a public factory in {@code P} can return its {@code internal}
 * implementation of {@code P}'s interface. Anything larger fails, including a cycle that passes
 * through that pair ({@code P -> P.internal -> Q -> P}), a cycle between a package and another
 * package's {@code internal}, and a cycle between modules.
 */
class PackageCyclesTest {

  /**
   * Dependencies that close a package cycle on main today and are removed by work on other
   * branches. Each entry is {@code <top-level origin class> -> <target package>}; the rule leaves
   * out exactly those dependencies (of the class and its nested classes), so any other class that
   * closes the same cycle still fails. Delete an entry when its branch lands; {@link
   * #everyKnownViolatorStillViolates()} fails until you do.
   */
  static final Set<String> KNOWN_UNTIL_SPLIT_LANDS = Set.of(); // none left: keep it that way

  @Test
  void noPackageCyclesWithinOrBetweenModules() {
    noPackageCycles(KNOWN_UNTIL_SPLIT_LANDS).check(MainClasses.IMPORTED);
  }

  @Test
  void everyKnownViolatorStillViolates() {
    Set<String> present = new TreeSet<>();
    MainClasses.IMPORTED.forEach(
        origin ->
            origin
                .getDirectDependenciesFromSelf()
                .forEach(dependency -> present.add(edgeOf(dependency))));
    assertThat(KNOWN_UNTIL_SPLIT_LANDS)
        .as(
            "entries of KNOWN_UNTIL_SPLIT_LANDS whose dependency is gone: delete them from"
                + " PackageCyclesTest")
        .allMatch(present::contains);
  }

  @Test
  void failsOnTwoPackagesThatUseEachOther() {
    assertThatThrownBy(() -> noPackageCycles(Set.of()).check(MainClasses.fixture("cycle.pair")))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(
            "packages [dev.strata.arch.fixture.cycle.pair.a, dev.strata.arch.fixture.cycle.pair.b]"
                + " form a cycle")
        .hasMessageContaining("pair.a.Alpha uses dev.strata.arch.fixture.cycle.pair.b.Beta")
        .hasMessageContaining("pair.b.Beta uses dev.strata.arch.fixture.cycle.pair.a.Alpha");
  }

  @Test
  void failsOnACycleThroughAPackageAndItsOwnInternal() {
    // Shapes -> internal.Circle -> render.Renderer -> Shape: the factory pair is allowed only
    // alone.
    assertThatThrownBy(
            () -> noPackageCycles(Set.of()).check(MainClasses.fixture("cycle.viainternal")))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(
            "packages [dev.strata.arch.fixture.cycle.viainternal,"
                + " dev.strata.arch.fixture.cycle.viainternal.internal,"
                + " dev.strata.arch.fixture.cycle.viainternal.render] form a cycle");
  }

  @Test
  void allowsAPublicFactoryReturningItsOwnInternalImplementation() {
    JavaClasses factory = MainClasses.fixture("cycle.factory");
    assertThat(PackageGraph.of(factory, dependency -> false).tangles())
        .singleElement()
        .matches(PackageGraph.Tangle::isPackageAndItsOwnInternal, "the factory pair");

    noPackageCycles(Set.of()).check(factory);
  }

  @Test
  void aKnownViolatorHidesOnlyItsOwnDependency() {
    JavaClasses pair = MainClasses.fixture("cycle.pair");
    Set<String> known =
        Set.of(
            "dev.strata.arch.fixture.cycle.pair.b.Beta -> "
                + "dev.strata.arch.fixture.cycle.pair.a");

    // Gamma, a new class closing the same cycle, still fails the rule.
    assertThatThrownBy(() -> noPackageCycles(known).check(pair))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("pair.b.Gamma uses dev.strata.arch.fixture.cycle.pair.a.Alpha")
        .hasMessageNotContaining("pair.b.Beta uses");
  }

  /**
   * The rule of this class, leaving out the dependencies named in {@code known} (entries of the
   * form of {@link #KNOWN_UNTIL_SPLIT_LANDS}).
   */
  static ArchRule noPackageCycles(Set<String> known) {
    Predicate<Dependency> ignored = dependency -> known.contains(edgeOf(dependency));
    return all(tanglesOf(ignored))
        .should(beAPackageAndItsOwnInternal())
        .allowEmptyShould(true)
        .because(
            "packages depend on each other in one direction only; a public factory returning"
                + " its own internal implementation is the one allowed cycle");
  }

  private static String edgeOf(Dependency dependency) {
    return PackageGraph.topLevelName(dependency.getOriginClass())
        + " -> "
        + dependency.getTargetClass().getBaseComponentType().getPackageName();
  }

  private static AbstractClassesTransformer<PackageGraph.Tangle> tanglesOf(
      Predicate<Dependency> ignored) {
    return new AbstractClassesTransformer<>("package cycles under dev.strata") {
      @Override
      public Iterable<PackageGraph.Tangle> doTransform(JavaClasses classes) {
        return PackageGraph.of(classes, ignored).tangles();
      }
    };
  }

  private static ArchCondition<PackageGraph.Tangle> beAPackageAndItsOwnInternal() {
    return new ArchCondition<>("be only a package and its own internal package") {
      @Override
      public void check(PackageGraph.Tangle tangle, ConditionEvents events) {
        events.add(
            new SimpleConditionEvent(
                tangle, tangle.isPackageAndItsOwnInternal(), tangle.toString()));
      }
    };
  }
}
