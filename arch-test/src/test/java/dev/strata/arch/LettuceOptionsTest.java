package dev.strata.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Lettuce client options are built in one place: the {@code redis} module ({@code strata-redis},
 * package {@code dev.strata.redis} or {@code dev.strata.redis.internal}) owns the one connection
 * policy, so its defaults cannot drift between modules.
 *
 * <p>"Building" means calling {@code builder()}, {@code create()}, {@code enabled()}, {@code
 * copyOf()} or {@code mutate()} on one of {@link #OPTION_TYPES}, a constructor of one, or any
 * method of their nested {@code Builder}. Reading the options of a client ({@code getOptions()},
 * getters) and passing resources along are allowed anywhere.
 */
class LettuceOptionsTest {

  /** The packages that may build Lettuce options. */
  static final Set<String> REDIS_PACKAGES = Set.of("dev.strata.redis", "dev.strata.redis.internal");

  /** The Lettuce types whose building is confined. */
  static final Set<String> OPTION_TYPES =
      Set.of(
          "io.lettuce.core.ClientOptions",
          "io.lettuce.core.cluster.ClusterClientOptions",
          "io.lettuce.core.TimeoutOptions",
          "io.lettuce.core.SocketOptions",
          "io.lettuce.core.cluster.ClusterTopologyRefreshOptions",
          "io.lettuce.core.SslOptions",
          "io.lettuce.core.resource.ClientResources",
          "io.lettuce.core.resource.DefaultClientResources");

  private static final Set<String> FACTORY_METHODS =
      Set.of("builder", "create", "enabled", "copyOf", "mutate", "<init>");

  /**
   * Top-level classes that build Lettuce options on main today and move onto the redis module on
   * other branches. The rule skips them (and their nested classes) only; delete an entry when its
   * branch lands, {@link #everyKnownViolatorStillViolates()} fails until you do.
   */
  static final Set<String> KNOWN_UNTIL_SPLIT_LANDS = Set.of(); // none left: keep it that way

  @Test
  void lettuceOptionsAreBuiltOnlyInTheRedisModule() {
    optionsBuiltOnlyIn(REDIS_PACKAGES, KNOWN_UNTIL_SPLIT_LANDS).check(MainClasses.IMPORTED);
  }

  @Test
  void everyKnownViolatorStillViolates() {
    Set<String> builders = new TreeSet<>();
    for (JavaClass javaClass : MainClasses.IMPORTED) {
      javaClass.getCodeUnitCallsFromSelf().stream()
          .filter(BUILDS_OPTIONS)
          .forEach(call -> builders.add(PackageGraph.topLevelName(javaClass)));
    }
    assertThat(KNOWN_UNTIL_SPLIT_LANDS)
        .as(
            "entries of KNOWN_UNTIL_SPLIT_LANDS that build no Lettuce options any more: delete them"
                + " from LettuceOptionsTest")
        .allMatch(builders::contains);
  }

  @Test
  void failsOnAClassOutsideTheRedisModuleThatBuildsOptions() {
    assertThatThrownBy(
            () ->
                optionsBuiltOnlyIn(REDIS_PACKAGES, Set.of()).check(MainClasses.fixture("lettuce")))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("OwnClientOptions.configure(")
        .hasMessageContaining("ClientOptions.builder()")
        .hasMessageContaining("TimeoutOptions.enabled(")
        .hasMessageContaining("DefaultClientResources.builder()")
        .hasMessageNotContaining("ReadsOptions");
  }

  @Test
  void passesWhereTheBuildingPackageIsTheAllowedOne() {
    optionsBuiltOnlyIn(Set.of("dev.strata.arch.fixture.lettuce.builds"), Set.of())
        .check(MainClasses.fixture("lettuce"));
  }

  @Test
  void aKnownViolatorHidesOnlyItself() {
    Set<String> known = Set.of("dev.strata.arch.fixture.lettuce.builds.OwnClientOptions");
    assertThatThrownBy(
            () -> optionsBuiltOnlyIn(REDIS_PACKAGES, known).check(MainClasses.fixture("lettuce")))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("DefaultClientResources.builder()")
        .hasMessageNotContaining("OwnClientOptions");
  }

  private static final DescribedPredicate<JavaCall<?>> BUILDS_OPTIONS =
      DescribedPredicate.describe(
          "builds Lettuce client options or client resources",
          call -> {
            String owner = call.getTargetOwner().getName();
            int nested = owner.indexOf('$');
            if (nested >= 0) {
              return owner.endsWith("$Builder")
                  && OPTION_TYPES.contains(owner.substring(0, nested));
            }
            return OPTION_TYPES.contains(owner) && FACTORY_METHODS.contains(call.getName());
          });

  static ArchRule optionsBuiltOnlyIn(Set<String> allowedPackages, Set<String> known) {
    return noClasses()
        .that(
            DescribedPredicate.describe(
                "are outside " + new TreeSet<>(allowedPackages),
                (JavaClass javaClass) ->
                    !allowedPackages.contains(javaClass.getPackageName())
                        && !known.contains(PackageGraph.topLevelName(javaClass))))
        .should()
        .callCodeUnitWhere(BUILDS_OPTIONS)
        .because(
            "one connection policy: Lettuce options are built in the redis module only"
                + " (ARCHITECTURE.md)");
  }
}
