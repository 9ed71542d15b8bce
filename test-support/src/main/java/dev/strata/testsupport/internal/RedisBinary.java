package dev.strata.testsupport.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code redis-server} executable and its version, found in this order: the path in system
 * property {@code strata.redis.binary} or env {@code STRATA_REDIS_BINARY}; {@code redis-server} on
 * the {@code PATH}; the binary shipped inside the {@code com.github.codemonstur:embedded-redis}
 * jar, extracted once to the temp directory. A {@code redis-server} on the {@code PATH} that cannot
 * be run, exits non-zero or prints no version is skipped with a warning in favour of the embedded
 * binary (an explicitly named binary that fails is an error). System property {@code
 * strata.redis.source} ({@code auto}, {@code path}, {@code embedded}, {@code container}) restricts
 * the search to one source.
 *
 * @param executable the executable file
 * @param version the version it reports, e.g. {@code 7.0.15}
 * @param source where it was found: {@code explicit}, {@code path} or {@code embedded}
 */
public record RedisBinary(Path executable, String version, String source) {
  private static final Logger LOG = LoggerFactory.getLogger(RedisBinary.class);
  private static final Pattern VERSION = Pattern.compile("v=(\\d+\\.\\d+\\.\\d+)");
  private static final ConcurrentMap<String, Optional<RedisBinary>> RESOLVED =
      new ConcurrentHashMap<>();

  /** System property naming the binary source to use. */
  public static final String SOURCE_PROPERTY = "strata.redis.source";

  /** Returns the major version number, e.g. 7 for {@code 7.0.15}. */
  public int majorVersion() {
    return Integer.parseInt(version.substring(0, version.indexOf('.')));
  }

  /**
   * Resolves the binary for the source configured by {@value #SOURCE_PROPERTY} (default {@code
   * auto}). Results are cached per source.
   *
   * @return the binary, or empty when none is available from the allowed sources
   * @throws IllegalArgumentException when the source property has an unknown value or an explicit
   *     binary path does not exist
   */
  public static Optional<RedisBinary> resolve() {
    return resolve(System.getProperty(SOURCE_PROPERTY, "auto"));
  }

  /**
   * Resolves the binary for one source ({@code auto}, {@code path}, {@code embedded}, {@code
   * container}; the last always yields empty).
   */
  public static Optional<RedisBinary> resolve(String source) {
    String normalized = source.trim().toLowerCase(Locale.ROOT);
    if (!List.of("auto", "path", "embedded", "container").contains(normalized)) {
      throw new IllegalArgumentException(
          SOURCE_PROPERTY + " must be auto, path, embedded or container but was '" + source + "'");
    }
    return RESOLVED.computeIfAbsent(normalized, RedisBinary::search);
  }

  private static Optional<RedisBinary> search(String source) {
    return search(
        source,
        firstNonBlank(
            System.getProperty("strata.redis.binary"), System.getenv("STRATA_REDIS_BINARY")),
        System.getenv("PATH"));
  }

  /**
   * The search behind {@link #resolve(String)}, uncached and with its inputs passed in.
   *
   * <p>A {@code redis-server} on the search path that cannot be run, exits non-zero or prints no
   * version is skipped with a warning when the source is {@code auto}, so the embedded binary is
   * used instead; when the source is {@code path} the failure is thrown. An explicit binary that
   * fails is always thrown: it was asked for by name.
   *
   * @param source a normalized source ({@code auto}, {@code path}, {@code embedded}, {@code
   *     container})
   * @param explicit the explicitly configured binary, or null
   * @param searchPath directories separated by {@link java.io.File#pathSeparator} (the form of the
   *     {@code PATH} variable), or null for none
   */
  static Optional<RedisBinary> search(
      String source, @Nullable String explicit, @Nullable String searchPath) {
    if (source.equals("container")) {
      return Optional.empty();
    }
    if (explicit != null && source.equals("auto")) {
      Path path = Path.of(explicit);
      if (!Files.isExecutable(path)) {
        throw new IllegalArgumentException(
            "strata.redis.binary / STRATA_REDIS_BINARY must name an executable file but was '"
                + explicit
                + "'");
      }
      return Optional.of(describe(path, "explicit"));
    }
    if (source.equals("auto") || source.equals("path")) {
      Optional<Path> onPath = findOnPath(searchPath, "redis-server");
      if (onPath.isPresent()) {
        try {
          return Optional.of(describe(onPath.get(), "path"));
        } catch (RuntimeException e) {
          if (source.equals("path")) {
            throw e;
          }
          LOG.warn(
              "Skipping unusable redis-server on the PATH, falling back to the embedded-redis"
                  + " binary: {}",
              e.getMessage());
        }
      }
    }
    if (source.equals("auto") || source.equals("embedded")) {
      Optional<Path> extracted = extractEmbedded();
      if (extracted.isPresent()) {
        return Optional.of(describe(extracted.get(), "embedded"));
      }
    }
    return Optional.empty();
  }

  private static @Nullable String firstNonBlank(@Nullable String a, @Nullable String b) {
    if (a != null && !a.isBlank()) {
      return a;
    }
    return b != null && !b.isBlank() ? b : null;
  }

  private static Optional<Path> findOnPath(@Nullable String searchPath, String name) {
    if (searchPath == null) {
      return Optional.empty();
    }
    for (String dir : searchPath.split(java.io.File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * Names of the embedded-redis resources that can run on this OS and CPU, best first. Empty on
   * platforms the jar does not cover (and on Windows, whose build lacks the process signals the
   * fault operations use).
   */
  public static List<String> embeddedResourceNames(String osName, String osArch) {
    String os = osName.toLowerCase(Locale.ROOT);
    String arch = osArch.toLowerCase(Locale.ROOT);
    boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
    boolean arm64 = arch.equals("aarch64") || arch.equals("arm64");
    boolean x86 = arch.equals("x86") || arch.equals("i386") || arch.equals("i686");
    if (os.contains("linux")) {
      if (x64) {
        return List.of("redis-server-6.2.6-v5-linux-amd64");
      }
      if (arm64) {
        return List.of("redis-server-6.2.7-linux-arm64");
      }
      if (x86) {
        return List.of("redis-server-6.2.7-linux-386");
      }
    } else if (os.contains("mac") || os.contains("darwin")) {
      if (x64) {
        return List.of("redis-server-6.2.6-v5-darwin-amd64");
      }
      if (arm64) {
        return List.of("redis-server-6.2.6-v5-darwin-arm64");
      }
    }
    return List.of();
  }

  private static Optional<Path> extractEmbedded() {
    ClassLoader loader = RedisBinary.class.getClassLoader();
    for (String name :
        embeddedResourceNames(
            System.getProperty("os.name", ""), System.getProperty("os.arch", ""))) {
      try (InputStream in = loader.getResourceAsStream(name)) {
        if (in == null) {
          continue;
        }
        Path dir = TempDirectories.root().resolve("bin");
        Files.createDirectories(dir);
        Path target = dir.resolve(name);
        if (Files.isExecutable(target)) {
          return Optional.of(target);
        }
        Path partial = Files.createTempFile(dir, name, ".partial");
        Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
        if (!partial.toFile().setExecutable(true, false)) {
          throw new IOException("cannot make " + partial + " executable");
        }
        try {
          Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
          Files.deleteIfExists(partial);
          if (!Files.isExecutable(target)) {
            throw e;
          }
        }
        LOG.info("Extracted redis-server from embedded-redis resource {} to {}", name, target);
        return Optional.of(target);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot extract embedded redis-server " + name, e);
      }
    }
    return Optional.empty();
  }

  private static RedisBinary describe(Path executable, String source) {
    Path output = null;
    try {
      output = Files.createTempFile(TempDirectories.root(), "binary-version-", ".txt");
      // Output goes to a file, not a pipe: a binary that hangs must not block the read.
      Process process =
          new ProcessBuilder(executable.toString(), "--version")
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(executable + " --version did not finish within 10s");
      }
      String printed = Files.readString(output, StandardCharsets.UTF_8).strip();
      if (printed.length() > 200) {
        printed = printed.substring(0, 200) + "...";
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            executable + " --version exited with " + process.exitValue() + ": " + printed);
      }
      Matcher matcher = VERSION.matcher(printed);
      if (!matcher.find()) {
        throw new IllegalStateException(executable + " --version printed no version: " + printed);
      }
      RedisBinary binary = new RedisBinary(executable, matcher.group(1), source);
      LOG.debug("Using redis-server {} from {} ({})", binary.version, executable, source);
      return binary;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot run " + executable + " --version: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking " + executable + " its version", e);
    } finally {
      if (output != null) {
        try {
          Files.deleteIfExists(output);
        } catch (IOException e) {
          LOG.debug("cannot delete {}", output, e);
        }
      }
    }
  }
}
