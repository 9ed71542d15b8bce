package dev.strata.testsupport.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The temp directories of local Redis processes, under {@code ${java.io.tmpdir}/strata-redis}. Each
 * instance directory holds an {@code owner} file naming the JVM that started the process and the
 * process id; the first use in a JVM kills processes whose owning JVM has died (for example a test
 * JVM killed on a timeout) and removes their directories, so no server outlives its tests.
 */
public final class TempDirectories {
  private static final Logger LOG = LoggerFactory.getLogger(TempDirectories.class);
  private static final String OWNER_FILE = "owner";
  private static volatile boolean reaped;

  private TempDirectories() {}

  /** Returns the shared root directory, creating it and reaping stale processes on first use. */
  public static Path root() {
    Path root = Path.of(System.getProperty("java.io.tmpdir"), "strata-redis");
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + root, e);
    }
    if (!reaped) {
      synchronized (TempDirectories.class) {
        if (!reaped) {
          reaped = true;
          reapStaleProcesses(root);
        }
      }
    }
    return root;
  }

  /** Creates a fresh directory for one server instance. */
  public static Path newInstanceDirectory(String prefix) {
    try {
      return Files.createTempDirectory(root(), prefix);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temp directory under " + root(), e);
    }
  }

  /** Records that the current JVM owns the process {@code pid} running in {@code dir}. */
  static void writeOwner(Path dir, long pid) {
    String content = ProcessHandle.current().pid() + " " + pid + "\n";
    try {
      Files.writeString(dir.resolve(OWNER_FILE), content, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      LOG.warn("Cannot write owner file in {}: {}", dir, e.toString());
    }
  }

  /** Deletes a directory tree, logging (not throwing) on failure. */
  public static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  LOG.debug("Cannot delete {}: {}", p, e.toString());
                }
              });
    } catch (IOException e) {
      LOG.debug("Cannot delete {}: {}", dir, e.toString());
    }
  }

  /**
   * Kills the redis-server processes under {@code root} whose owning JVM is gone and deletes their
   * directories. Runs automatically on first use in a JVM; failures are logged, not thrown.
   */
  public static void reapStaleProcesses(Path root) {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, "redis-*")) {
      for (Path dir : dirs) {
        Path owner = dir.resolve(OWNER_FILE);
        if (!Files.isRegularFile(owner)) {
          continue;
        }
        String[] parts = Files.readString(owner, StandardCharsets.US_ASCII).trim().split(" ");
        if (parts.length != 2) {
          continue;
        }
        long jvmPid = Long.parseLong(parts[0]);
        long redisPid = Long.parseLong(parts[1]);
        if (ProcessHandle.of(jvmPid).map(ProcessHandle::isAlive).orElse(false)) {
          continue;
        }
        Optional<ProcessHandle> redis = ProcessHandle.of(redisPid);
        if (redis.isPresent() && isRedis(redis.get())) {
          LOG.info("Killing redis-server pid {} left behind by dead JVM {}", redisPid, jvmPid);
          redis.get().destroyForcibly();
        }
        deleteRecursively(dir);
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("Cannot reap stale redis-server directories under {}: {}", root, e.toString());
    }
  }

  /**
   * Returns whether a process looks like a Redis server. Debian links {@code redis-server} to
   * {@code redis-check-rdb}, and Redis rewrites its command line, so any mention of "redis" counts.
   */
  private static boolean isRedis(ProcessHandle process) {
    ProcessHandle.Info info = process.info();
    return info.command().map(c -> c.contains("redis")).orElse(false)
        || info.commandLine().map(c -> c.contains("redis")).orElse(false);
  }
}
