package dev.strata.releasecheck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.testsupport.RedisServer;
import dev.strata.testsupport.WithRedis;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Builds {@code src/consumer}, a user's project outside the reactor that imports only the BOM and
 * two modules from the private repository the build installed into, then runs its application on
 * the class path and, as a named module that {@code requires} Strata's module names, on the module
 * path, against a private redis-server. A missing or test-scoped runtime dependency, a test library
 * leaking to users (banned by the consumer's enforcer rule), or a wrong module name fails here.
 */
@WithRedis
class ConsumerProjectTest {

  private static final String MAIN = "dev.strata.consumer.Smoke";
  private static Path consumer;

  @BeforeAll
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  static void buildConsumer() throws Exception {
    Path root = Path.of(System.getProperty("strata.rootDirectory"));
    Path target = root.resolve("release-check/target");
    consumer = target.resolve("consumer");
    deleteRecursively(consumer);
    copyRecursively(root.resolve("release-check/src/consumer"), consumer);

    // Strata's artifacts come only from the private repository (it is the consumer's local
    // repository); third-party releases and Maven's plugins from the user's repository as a
    // read-only file repository (snapshots disabled there), then Maven Central.
    Path userRepository = Path.of(System.getProperty("strata.userRepository"));
    Path settings = consumer.resolve("settings.xml");
    Files.writeString(settings, settingsXml(userRepository.toUri().toString()));

    Path mavenHome = Path.of(System.getProperty("maven.home"));
    boolean windows = System.getProperty("os.name").startsWith("Windows");
    List<String> command =
        new ArrayList<>(
            List.of(
                mavenHome.resolve(windows ? "bin/mvn.cmd" : "bin/mvn").toString(),
                "-B",
                "-q",
                "-ntp",
                "-s",
                settings.toString(),
                "-Dmaven.repo.local=" + System.getProperty("strata.privateRepository"),
                "-Dstrata.version=" + System.getProperty("strata.version"),
                "-f",
                consumer.resolve("pom.xml").toString(),
                "compile"));
    Result build = run(command, consumer, 240);
    assertThat(build.exitCode).as("consumer build:%n%s", build.output).isZero();
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void runsOnTheClassPath(RedisServer redis) throws Exception {
    String classPath =
        consumer.resolve("target/classes") + File.pathSeparator + consumer.resolve("target/lib/*");
    Result result = run(List.of(java(), "-cp", classPath, MAIN, redis.uri()), consumer, 90);
    assertThat(result.exitCode).as("class path run:%n%s", result.output).isZero();
    assertThat(result.output)
        .contains("local cache ok on the class path")
        .contains("redis cache ok on the class path")
        .contains("load balancer ok on the class path");
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void runsAsANamedModuleOnTheModulePath(RedisServer redis) throws Exception {
    String modulePath =
        consumer.resolve("target/classes") + File.pathSeparator + consumer.resolve("target/lib");
    Result result =
        run(
            List.of(
                java(),
                "-p",
                modulePath,
                // Strata's jars are automatic modules: they cannot require Caffeine and SLF4J
                // (explicit
                // modules), so the application adds what is on its module path, as the README says.
                "--add-modules",
                "ALL-MODULE-PATH",
                "-m",
                "dev.strata.consumer/" + MAIN,
                redis.uri()),
            consumer,
            90);
    assertThat(result.exitCode).as("module path run:%n%s", result.output).isZero();
    assertThat(result.output)
        .contains("local cache ok on the module path")
        .contains("redis cache ok on the module path")
        .contains("load balancer ok on the module path");
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private record Result(int exitCode, String output) {}

  private static Result run(List<String> command, Path dir, long timeoutSeconds)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile(dir, "run", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().remove("MAVEN_OPTS");
    Process process = builder.start();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor();
      return new Result(
          -1,
          "timed out after "
              + timeoutSeconds
              + " s: "
              + command
              + "\n"
              + Files.readString(log, StandardCharsets.UTF_8));
    }
    return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  private static String settingsXml(String userRepositoryUrl) {
    return """
        <settings>
          <profiles>
            <profile>
              <id>user-repository-read-only</id>
              <repositories>
                <repository>
                  <id>user-repository</id>
                  <url>%1$s</url>
                  <releases><enabled>true</enabled></releases>
                  <snapshots><enabled>false</enabled></snapshots>
                </repository>
              </repositories>
              <pluginRepositories>
                <pluginRepository>
                  <id>user-repository</id>
                  <url>%1$s</url>
                  <releases><enabled>true</enabled></releases>
                  <snapshots><enabled>false</enabled></snapshots>
                </pluginRepository>
              </pluginRepositories>
            </profile>
          </profiles>
          <activeProfiles>
            <activeProfile>user-repository-read-only</activeProfile>
          </activeProfiles>
        </settings>
        """
        .formatted(userRepositoryUrl);
  }

  private static void copyRecursively(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path source : paths.toList()) {
        Path dest = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(source, dest, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
