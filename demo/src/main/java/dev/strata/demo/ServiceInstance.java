package dev.strata.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One service instance: a JVM running {@code DemoServiceApplication} on a fixed port, started as a
 * child process with its output in a log file. It can be started again after it stopped (same id,
 * same port). Thread-safe: state changes are serialized.
 */
final class ServiceInstance {
  static final String MAIN_CLASS = "dev.strata.demo.service.DemoServiceApplication";
  private static final List<String> JVM_FLAGS =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k", "-Xmx256m");

  private final String id;
  private final int port;
  private final List<String> serviceArgs;
  private final Path logDir;
  private final HttpClient http;
  private final Consumer<ProcessHandle> onStart;
  private @Nullable Process process;
  private int generation;

  /**
   * @param id instance id, e.g. {@code app-1}
   * @param port its HTTP port
   * @param serviceArgs the command-line properties besides port and id (Redis, datasource, parent
   *     pid)
   * @param logDir where {@code <id>-<n>.log} files go
   * @param onStart told about every process started (so none is forgotten at shutdown)
   */
  ServiceInstance(
      String id, int port, List<String> serviceArgs, Path logDir, Consumer<ProcessHandle> onStart) {
    this.id = id;
    this.port = port;
    this.serviceArgs = List.copyOf(serviceArgs);
    this.logDir = logDir;
    this.onStart = onStart;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofMillis(500))
            .build();
  }

  String id() {
    return id;
  }

  int port() {
    return port;
  }

  /** Returns the base URL of this instance, e.g. {@code http://127.0.0.1:8081}. */
  String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** Returns the current log file, if the instance was ever started. */
  synchronized Optional<Path> logFile() {
    return generation == 0 ? Optional.empty() : Optional.of(logFile(generation));
  }

  private Path logFile(int n) {
    return logDir.resolve(n == 1 ? id + ".log" : id + "-" + n + ".log");
  }

  /** Returns whether the process is alive. */
  synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** Returns the live process' pid, if any. */
  synchronized Optional<Long> pid() {
    return process != null && process.isAlive() ? Optional.of(process.pid()) : Optional.empty();
  }

  /**
   * Starts the JVM; does not wait for readiness.
   *
   * @throws IllegalStateException when it is already running
   * @throws UncheckedIOException when the process cannot be started
   */
  synchronized void start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(id + " is already running (pid " + process.pid() + ")");
    }
    generation++;
    List<String> command = new ArrayList<>();
    command.add(javaExecutable());
    command.addAll(JVM_FLAGS);
    command.add("-cp");
    command.add(classPath());
    command.add(MAIN_CLASS);
    command.add("--server.port=" + port);
    command.add("--strata.demo.instance=" + id);
    command.addAll(serviceArgs);
    Path log = logFile(generation);
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + id + " (" + command.get(0) + ")", e);
    }
    onStart.accept(process.toHandle());
  }

  /**
   * Waits until the readiness probe answers 200.
   *
   * @param timeout how long to wait
   * @throws ExitedBeforeReady when the process exits first
   * @throws IllegalStateException when the time runs out; the message carries the end of its log
   */
  void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpRequest probe =
        HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health/readiness"))
            .timeout(Duration.ofSeconds(1))
            .GET()
            .build();
    while (true) {
      if (!isAlive()) {
        throw new ExitedBeforeReady(id, logTail(30));
      }
      try {
        if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + id, e);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            id + " not ready after " + timeout.toSeconds() + " s; end of its log:\n" + logTail(30));
      }
      pause(Duration.ofMillis(100));
    }
  }

  /**
   * Starts the JVM and waits until it is ready; when the process exits before it is ready (say a
   * connection timed out on a machine busy starting other JVMs) it is started once more.
   *
   * @param timeout how long to wait for readiness, per attempt
   * @param log told about a retry
   * @throws IllegalStateException when the second attempt fails too, or readiness times out
   */
  void startAndAwaitReady(Duration timeout, Consumer<String> log) {
    start();
    try {
      awaitReady(timeout);
    } catch (ExitedBeforeReady e) {
      log.accept(
          id
              + " exited before it was ready (log "
              + logFile().map(Path::toString).orElse("-")
              + "); starting it once more");
      start();
      awaitReady(timeout);
    }
  }

  /** The process ended before its readiness probe answered 200. */
  static final class ExitedBeforeReady extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    ExitedBeforeReady(String id, String tail) {
      super(id + " exited before it was ready; end of its log:\n" + tail);
    }
  }

  /** Kills the process with SIGKILL, at once. Does nothing when it is not running. */
  void kill() {
    Process p;
    synchronized (this) {
      p = process;
    }
    if (p != null && p.isAlive()) {
      p.destroyForcibly();
      waitFor(p, Duration.ofSeconds(10));
    }
  }

  /**
   * Sends SIGTERM and waits for the process to exit (graceful shutdown: readiness down, drain
   * delay, in-flight requests complete); after {@code timeout} it is killed.
   *
   * @return the exit code, or {@code -1} when it had to be killed or was not running
   */
  int stop(Duration timeout) {
    Process p;
    synchronized (this) {
      p = process;
    }
    if (p == null || !p.isAlive()) {
      return -1;
    }
    p.destroy();
    if (waitFor(p, timeout)) {
      return p.exitValue();
    }
    p.destroyForcibly();
    waitFor(p, Duration.ofSeconds(10));
    return -1;
  }

  /** Returns the last lines of the current log file. */
  String logTail(int lines) {
    Optional<Path> log = logFile();
    if (log.isEmpty() || !Files.exists(log.get())) {
      return "(no log)";
    }
    try {
      List<String> all = Files.readAllLines(log.get(), StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + log.get() + ": " + e.getMessage() + ")";
    }
  }

  private static boolean waitFor(Process p, Duration timeout) {
    try {
      return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !p.isAlive();
    }
  }

  static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Returns the class path this JVM runs with: under Maven Surefire the test class path it
   * publishes, else {@code java.class.path} (for {@code java -jar strata-demo.jar} that is the jar,
   * whose manifest brings {@code lib/}).
   */
  static String classPath() {
    String surefire = System.getProperty("surefire.test.class.path");
    return surefire != null && !surefire.isBlank()
        ? surefire
        : System.getProperty("java.class.path");
  }

  /** Returns the {@code java} launcher of this JVM. */
  static String javaExecutable() {
    Optional<String> command = ProcessHandle.current().info().command();
    if (command.isPresent() && Path.of(command.get()).getFileName().toString().startsWith("java")) {
      return command.get();
    }
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
