package dev.strata.arch;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** The Strata modules of ARCHITECTURE.md, told apart by the package their classes live in. */
enum StrataModule {
  REDIS("redis", "dev.strata.redis"),
  CACHE_API("cache-api", "dev.strata.cache"),
  CACHE_LOCAL("cache-local", "dev.strata.cache.local"),
  CACHE_REDIS("cache-redis", "dev.strata.cache.redis"),
  SESSION_STORE("session-store", "dev.strata.session"),
  LB_ALGORITHMS("lb-algorithms", "dev.strata.lb"),
  HEALTH("health", "dev.strata.health"),
  TEST_SUPPORT("test-support", "dev.strata.testsupport");

  private final String folder;
  private final String rootPackage;

  StrataModule(String folder, String rootPackage) {
    this.folder = folder;
    this.rootPackage = rootPackage;
  }

  String folder() {
    return folder;
  }

  String rootPackage() {
    return rootPackage;
  }

  /**
   * The Strata modules this module may depend on: the arrows of the module table in
   * ARCHITECTURE.md.
   */
  Set<StrataModule> allowedDependencies() {
    return switch (this) {
      case REDIS, CACHE_API, LB_ALGORITHMS, TEST_SUPPORT -> EnumSet.noneOf(StrataModule.class);
      case CACHE_LOCAL -> EnumSet.of(CACHE_API);
      case CACHE_REDIS -> EnumSet.of(REDIS, CACHE_API, CACHE_LOCAL);
      case SESSION_STORE -> EnumSet.of(REDIS);
      case HEALTH -> EnumSet.of(LB_ALGORITHMS, REDIS);
    };
  }

  /** The Strata modules this module must not depend on. */
  Set<StrataModule> forbiddenDependencies() {
    Set<StrataModule> forbidden = EnumSet.allOf(StrataModule.class);
    forbidden.remove(this);
    forbidden.removeAll(allowedDependencies());
    return forbidden;
  }

  /**
   * Returns the module a package belongs to. {@code dev.strata.cache.local} and {@code
   * dev.strata.cache.redis} are their own modules, not part of cache-api.
   */
  static Optional<StrataModule> of(String packageName) {
    StrataModule best = null;
    for (StrataModule module : values()) {
      if (packageName.equals(module.rootPackage)
          || packageName.startsWith(module.rootPackage + ".")) {
        if (best == null || module.rootPackage.length() > best.rootPackage.length()) {
          best = module;
        }
      }
    }
    return Optional.ofNullable(best);
  }

  /** Classes of this module. */
  DescribedPredicate<JavaClass> classes() {
    return DescribedPredicate.describe(
        "belong to module " + folder,
        javaClass -> of(javaClass.getPackageName()).orElse(null) == this);
  }

  /** Classes outside this module (in another module, or not Strata at all). */
  DescribedPredicate<JavaClass> outsideClasses() {
    return DescribedPredicate.describe(
        "are outside module " + folder,
        javaClass -> of(javaClass.getPackageName()).orElse(null) != this);
  }

  /** Classes of this module that live in an {@code internal} package or below. */
  DescribedPredicate<JavaClass> internalClasses() {
    return DescribedPredicate.describe(
        "are internal to module " + folder,
        javaClass ->
            of(javaClass.getPackageName()).orElse(null) == this
                && ("." + javaClass.getPackageName() + ".").contains(".internal."));
  }

  /** Classes of any of the given modules. */
  static DescribedPredicate<JavaClass> classesOfAny(Set<StrataModule> modules) {
    return DescribedPredicate.describe(
        "belong to any of modules "
            + Arrays.toString(modules.stream().map(m -> m.folder).toArray()),
        javaClass -> of(javaClass.getPackageName()).map(modules::contains).orElse(false));
  }
}
