package dev.strata.releasecheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The jars of every published module, as the reactor built them: a stable module name, sources and
 * Javadoc beside them, the licence inside, and the BOM listing exactly these modules.
 */
class PublishedArtifactsTest {

  private static final Pattern MODULE_NAME = Pattern.compile("dev\\.strata(\\.[a-z][a-z0-9]*)+");
  private static final Pattern ARTIFACT_ID =
      Pattern.compile("<artifactId>(strata-[a-z0-9-]+)</artifactId>");

  private final Path root = Path.of(System.getProperty("strata.rootDirectory"));
  private final String version = System.getProperty("strata.version");

  /** Reactor modules that build a sources jar, i.e. the published ones: artifactId to folder. */
  private Map<String, Path> publishedModules() throws IOException {
    Map<String, Path> modules = new LinkedHashMap<>();
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path dir : dirs.sorted().toList()) {
        Path pom = dir.resolve("pom.xml");
        if (!Files.isRegularFile(pom)) {
          continue;
        }
        Matcher m =
            ARTIFACT_ID.matcher(Files.readString(pom).replaceAll("(?s)<parent>.*?</parent>", ""));
        if (!m.find()) {
          continue;
        }
        String artifactId = m.group(1);
        if (Files.exists(dir.resolve("target/" + artifactId + "-" + version + "-sources.jar"))) {
          modules.put(artifactId, dir);
        }
      }
    }
    return modules;
  }

  private List<String> bomArtifacts() throws IOException {
    String bom = Files.readString(root.resolve("bom/pom.xml"));
    String managed = bom.substring(bom.indexOf("<dependencyManagement>"));
    List<String> ids = new ArrayList<>();
    Matcher m = ARTIFACT_ID.matcher(managed);
    while (m.find()) {
      if (!ids.contains(m.group(1))) {
        ids.add(m.group(1));
      }
    }
    return ids;
  }

  @Test
  void everyPublishedJarNamesItsModuleAndCarriesTheLicence() throws IOException {
    Map<String, Path> modules = publishedModules();
    assertThat(modules).containsKeys("strata-cache-api", "strata-cache-local", "strata-lb");
    Map<String, String> namesSeen = new HashMap<>();
    for (Map.Entry<String, Path> module : modules.entrySet()) {
      Path jar = module.getValue().resolve("target/" + module.getKey() + "-" + version + ".jar");
      try (JarFile file = new JarFile(jar.toFile())) {
        String name = file.getManifest().getMainAttributes().getValue("Automatic-Module-Name");
        assertThat(name)
            .as("Automatic-Module-Name of %s (set strata.module.name in its pom)", jar)
            .isNotNull()
            .matches(MODULE_NAME);
        assertThat(namesSeen.put(name, module.getKey()))
            .as("module name %s used twice", name)
            .isNull();
        assertThat(file.getEntry("META-INF/LICENSE")).as("LICENSE in %s", jar).isNotNull();
        assertThat(file.getEntry("META-INF/NOTICE")).as("NOTICE in %s", jar).isNotNull();
      }
      for (String classifier : List.of("sources", "javadoc")) {
        Path attached =
            module
                .getValue()
                .resolve("target/" + module.getKey() + "-" + version + "-" + classifier + ".jar");
        assertThat(attached).as("%s jar of %s", classifier, module.getKey()).isRegularFile();
        try (JarFile file = new JarFile(attached.toFile())) {
          assertThat(
                  file.stream()
                      .filter(e -> e.getName().endsWith(".java") || e.getName().endsWith(".html")))
              .as("content of %s", attached)
              .isNotEmpty();
        }
      }
    }
  }

  @Test
  void theBomListsExactlyThePublishedModules() throws IOException {
    Map<String, Path> modules = publishedModules();
    List<String> bom = bomArtifacts();
    assertThat(bom).containsAll(modules.keySet());
    for (String listed : bom) {
      boolean inReactor = Files.isDirectory(root.resolve(folderOf(listed)));
      if (inReactor) {
        assertThat(modules)
            .as("%s is in the BOM, so it must be published", listed)
            .containsKey(listed);
      }
    }
    assertThat(bom)
        .doesNotContain("strata-jmh", "strata-samples", "strata-arch-test", "strata-release-check");
  }

  /** The folder of a module by the project's naming (artifactId less "strata-", one exception). */
  private static String folderOf(String artifactId) {
    String base = artifactId.substring("strata-".length());
    return switch (base) {
      case "lb" -> "lb-algorithms";
      default -> base;
    };
  }

  @Test
  void publishedPomsCarryThePublicationMetadata() throws IOException {
    Path repo = Path.of(System.getProperty("strata.privateRepository")).resolve("dev/strata");
    // The parent (inherited by every module) and the BOM (no parent) as installed for users.
    for (String artifactId : List.of("strata-parent", "strata-bom")) {
      String pom =
          Files.readString(
              repo.resolve(artifactId + "/" + version + "/" + artifactId + "-" + version + ".pom"));
      assertThat(pom)
          .as("publication metadata of %s", artifactId)
          .contains("<url>https://github.com/strata-dev/strata</url>")
          .contains("<name>Apache-2.0</name>")
          .contains("<scm")
          .contains("<connection>scm:git:")
          .contains("<developers>")
          .contains("<organization>")
          .contains("<issueManagement>");
    }
    assertThat(Files.readString(root.resolve("LICENSE")))
        .contains("Apache License")
        .contains("Version 2.0, January 2004")
        .contains("END OF TERMS AND CONDITIONS");
  }

  @Test
  void thePrivateRepositoryHoldsWhatAUserResolves() {
    Path repo = Path.of(System.getProperty("strata.privateRepository")).resolve("dev/strata");
    for (String artifactId :
        List.of("strata-parent", "strata-bom", "strata-cache-redis", "strata-lb")) {
      Path dir = repo.resolve(artifactId).resolve(version);
      try (Stream<Path> files = Files.list(dir)) {
        assertThat(files.map(p -> p.getFileName().toString()))
            .as("installed files of %s", artifactId)
            .anyMatch(f -> f.endsWith(".pom"));
      } catch (IOException e) {
        throw new UncheckedIOException("nothing installed for " + artifactId + " in " + dir, e);
      }
    }
  }
}
