package dev.strata.testsupport.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code redis-server} child process on 127.0.0.1 with its own temp directory, config file and
 * log file, and no persistence. A JVM shutdown hook kills every process still running when the JVM
 * exits. Methods are synchronized: one thread at a time changes the process state.
 */
public final class LocalRedisProcess implements RedisInstance {
  private static final Logger LOG = LoggerFactory.getLogger(LocalRedisProcess.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration RESTART_BIND_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration PING_TIMEOUT = Duration.ofMillis(500);
  private static final Set<LocalRedisProcess> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (LocalRedisProcess process : LIVE) {
                    process.destroyQuietly();
                  }
                },
                "strata-redis-shutdown"));
  }

  private final RedisBinary binary;
  private final int port;
  private final Path directory;
  private final Path configFile;
  private final Path logFile;
  private final RespClient admin;
  private final @Nullable String password;
  private @Nullable Process process;
  private boolean suspended;
  private boolean closed;

  private LocalRedisProcess(
      RedisBinary binary,
      int port,
      Path directory,
      List<String> config,
      @Nullable String password) {
    this.binary = binary;
    this.port = port;
    this.directory = directory;
    this.configFile = directory.resolve("redis.conf");
    this.logFile = directory.resolve("redis.log");
    this.password = password;
    this.admin = new RespClient("127.0.0.1", port, null, password);
    List<String> lines = new ArrayList<>();
    lines.add("port " + port);
    lines.add("bind 127.0.0.1");
    lines.add("save \"\"");
    lines.add("appendonly no");
    lines.add("daemonize no");
    lines.add("dir \"" + directory + "\"");
    lines.add("logfile \"\"");
    if (binary.majorVersion() >= 7) {
      lines.add("enable-debug-command local");
    }
    lines.addAll(config);
    try {
      Files.write(configFile, lines, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + configFile, e);
    }
  }

  /**
   * Starts a process on a free port and waits until it answers PING. A port lost to another process
   * between the check and the bind is retried on a new port.
   *
   * @param binary the executable to run
   * @param config extra lines for the config file (e.g. {@code cluster-enabled yes})
   * @param clusterBus whether the cluster bus port ({@code port + 10000}) must be free too
   * @param password the {@code requirepass} of the server (also in {@code config}), or null
   * @throws IllegalStateException when the server does not start; the message holds its log tail
   */
  public static LocalRedisProcess start(
      RedisBinary binary, List<String> config, boolean clusterBus, @Nullable String password) {
    IllegalStateException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      int port = FreePorts.pick(clusterBus);
      Path dir = TempDirectories.newInstanceDirectory("redis-" + port + "-");
      LocalRedisProcess instance = new LocalRedisProcess(binary, port, dir, config, password);
      try {
        instance.launch(READY_TIMEOUT);
        return instance;
      } catch (PortInUseException e) {
        last = e;
        instance.close();
        LOG.debug("Port {} was taken before redis-server bound it; trying another", port);
      } catch (RuntimeException e) {
        instance.close();
        throw e;
      }
    }
    throw new IllegalStateException("redis-server could not bind a free port in 5 attempts", last);
  }

  /** Returns the instance directory (config, log, nodes.conf). */
  public Path directory() {
    return directory;
  }

  @Override
  public String host() {
    return "127.0.0.1";
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public String uri() {
    if (password != null) {
      return "redis://:"
          + URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20")
          + "@127.0.0.1:"
          + port;
    }
    return "redis://127.0.0.1:" + port;
  }

  @Override
  public RespClient admin() {
    return admin;
  }

  @Override
  public Optional<Path> logFile() {
    return Optional.of(logFile);
  }

  @Override
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  @Override
  public synchronized boolean isSuspended() {
    return suspended && isRunning();
  }

  @Override
  public synchronized void suspend() {
    requireRunning("suspend");
    if (!suspended) {
      signal("STOP");
      suspended = true;
      LOG.debug("Suspended redis-server on port {}", port);
    }
  }

  @Override
  public synchronized void resume() {
    requireRunning("resume");
    if (suspended) {
      signal("CONT");
      suspended = false;
      LOG.debug("Resumed redis-server on port {}", port);
    }
  }

  @Override
  public synchronized void kill() {
    requireOpen("kill");
    Process p = process;
    if (p != null && p.isAlive()) {
      p.destroyForcibly();
      waitForExit(p);
      LOG.debug("Killed redis-server on port {}", port);
    }
    suspended = false;
    LIVE.remove(this);
  }

  @Override
  public synchronized void restart() {
    requireOpen("restart");
    kill();
    long deadline = System.nanoTime() + RESTART_BIND_TIMEOUT.toNanos();
    while (true) {
      try {
        launch(READY_TIMEOUT);
        LOG.debug("Restarted redis-server on port {}", port);
        return;
      } catch (PortInUseException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "redis-server could not bind port "
                  + port
                  + " again within "
                  + RESTART_BIND_TIMEOUT.toSeconds()
                  + "s",
              e);
        }
        sleep(100);
      }
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    destroyQuietly();
    LIVE.remove(this);
    TempDirectories.deleteRecursively(directory);
  }

  private void destroyQuietly() {
    Process p = process;
    if (p != null && p.isAlive()) {
      p.destroyForcibly();
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void launch(Duration readyTimeout) {
    ProcessBuilder builder =
        new ProcessBuilder(binary.executable().toString(), configFile.toString())
            .directory(directory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    long logOffset = logSize();
    Process p;
    try {
      p = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + binary.executable(), e);
    }
    process = p;
    suspended = false;
    LIVE.add(this);
    TempDirectories.writeOwner(directory, p.pid());
    long deadline = System.nanoTime() + readyTimeout.toNanos();
    while (true) {
      if (!p.isAlive()) {
        waitForExit(p);
        LIVE.remove(this);
        String log = logTail(logOffset);
        if (log.contains("Address already in use") || log.contains("Failed listening on port")) {
          throw new PortInUseException(port, log);
        }
        throw new IllegalStateException(
            "redis-server on port " + port + " exited with " + p.exitValue() + "; log:\n" + log);
      }
      try {
        if ("PONG".equals(admin.call(PING_TIMEOUT, "PING"))) {
          return;
        }
      } catch (RuntimeException notYet) {
        // refused, loading or busy: keep polling until the deadline
      }
      if (System.nanoTime() > deadline) {
        p.destroyForcibly();
        waitForExit(p);
        LIVE.remove(this);
        throw new IllegalStateException(
            "redis-server on port "
                + port
                + " did not answer PING within "
                + readyTimeout.toSeconds()
                + "s; log:\n"
                + logTail(logOffset));
      }
      sleep(10);
    }
  }

  private long logSize() {
    try {
      return Files.exists(logFile) ? Files.size(logFile) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private String logTail(long fromOffset) {
    try {
      byte[] all = Files.readAllBytes(logFile);
      int from = (int) Math.max(Math.min(fromOffset, all.length), all.length - 4000L);
      return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  private void signal(String signal) {
    Process p = process;
    if (p == null) {
      throw new IllegalStateException("redis-server on port " + port + " is not running");
    }
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException(
            "kill -" + signal + " " + p.pid() + " failed for redis-server on port " + port);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run kill -" + signal, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending SIG" + signal, e);
    }
  }

  private void requireOpen(String operation) {
    if (closed) {
      throw new IllegalStateException(
          "cannot " + operation + " redis-server on port " + port + ": it is closed");
    }
  }

  private void requireRunning(String operation) {
    requireOpen(operation);
    if (!isRunning()) {
      throw new IllegalStateException(
          "cannot " + operation + " redis-server on port " + port + ": it is not running");
    }
  }

  private void waitForExit(Process p) {
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("redis-server pid " + p.pid() + " did not exit in 10s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for redis-server to exit", e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for redis-server", e);
    }
  }

  /** The server exited because its port was taken. */
  private static final class PortInUseException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    PortInUseException(int port, String log) {
      super("port " + port + " is in use; log:\n" + log);
    }
  }
}
