package dev.strata.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No main source file of any module is over {@value #MAX_LINES} lines: a longer one does several
 * things and is split (ARCHITECTURE.md). Reads {@code <module>/src/main/java} of every folder of
 * the repository, so a new module is covered without being listed.
 */
class SourceFileLengthTest {
  static final int MAX_LINES = 600;

  /**
   * Files over the limit on main today that are being split on other branches, as paths relative to
   * the repository root. Delete an entry when its split lands; {@link
   * #everyKnownViolatorStillViolates()} fails until you do. Any other file over the limit fails.
   */
  static final Set<String> KNOWN_UNTIL_SPLIT_LANDS = Set.of();

  @Test
  void noMainSourceFileIsTooLong() {
    assertThat(tooLong(repositoryRoot()))
        .as("main source files over %d lines (split them)", MAX_LINES)
        .allMatch(line -> KNOWN_UNTIL_SPLIT_LANDS.contains(line.substring(0, line.indexOf(':'))));
  }

  @Test
  void everyKnownViolatorStillViolates() {
    List<String> paths =
        tooLong(repositoryRoot()).stream()
            .map(line -> line.substring(0, line.indexOf(':')))
            .toList();
    assertThat(KNOWN_UNTIL_SPLIT_LANDS)
        .as(
            "entries of KNOWN_UNTIL_SPLIT_LANDS that are no longer over %d lines: delete them from"
                + " SourceFileLengthTest",
            MAX_LINES)
        .allMatch(paths::contains);
  }

  @Test
  void readsTheMainSourcesOfEveryModule() {
    // Guards the rule against passing on an empty or wrong tree.
    Path root = repositoryRoot();
    for (StrataModule module : StrataModule.values()) {
      assertThat(mainSourceFiles(root))
          .as("main sources of %s", module.folder())
          .anyMatch(path -> path.startsWith(module.folder() + "/src/main/java/"));
    }
  }

  @Test
  void failsOnAFileOverTheLimit(@TempDir Path root) throws IOException {
    write(root.resolve("good/src/main/java/dev/strata/good/Short.java"), MAX_LINES);
    write(root.resolve("bad/src/main/java/dev/strata/bad/Long.java"), MAX_LINES + 1);
    write(root.resolve("bad/src/test/java/dev/strata/bad/LongTest.java"), 2 * MAX_LINES);

    assertThat(tooLong(root))
        .containsExactly("bad/src/main/java/dev/strata/bad/Long.java: 601 lines");
  }

  /** Main source files over the limit under {@code root}, as {@code "<path>: <n> lines"}. */
  static List<String> tooLong(Path root) {
    List<String> found = new ArrayList<>();
    for (String path : mainSourceFiles(root)) {
      long lines = lineCount(root.resolve(path));
      if (lines > MAX_LINES) {
        found.add(path + ": " + lines + " lines");
      }
    }
    return found;
  }

  /** Paths relative to {@code root} of {@code <folder>/src/main/java/**.java}, sorted. */
  private static List<String> mainSourceFiles(Path root) {
    List<String> files = new ArrayList<>();
    try (Stream<Path> folders = Files.list(root)) {
      for (Path folder : folders.filter(Files::isDirectory).toList()) {
        Path sources = folder.resolve("src/main/java");
        if (!Files.isDirectory(sources)) {
          continue;
        }
        try (Stream<Path> walk = Files.walk(sources)) {
          walk.filter(p -> p.toString().endsWith(".java"))
              .map(p -> root.relativize(p).toString().replace('\\', '/'))
              .forEach(files::add);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Collections.sort(files);
    return files;
  }

  private static long lineCount(Path file) {
    try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
      return lines.count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The repository root: the parent of arch-test, where the tests run. */
  private static Path repositoryRoot() {
    Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
    assertThat(root.resolve("arch-test/pom.xml"))
        .as("arch-test runs from its module folder")
        .exists();
    return root;
  }

  private static void write(Path file, int lines) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "//\n".repeat(lines), StandardCharsets.UTF_8);
  }
}
