package dev.strata.testsupport;

import dev.strata.testsupport.internal.ContainerRedis;
import dev.strata.testsupport.internal.ExternalRedis;
import dev.strata.testsupport.internal.LocalRedisProcess;
import dev.strata.testsupport.internal.RedisBinary;
import dev.strata.testsupport.internal.RedisInstance;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Redis server for tests: normally a private {@code redis-server} process on a free port of
 * 127.0.0.1, with no persistence and its own temp directory (config and log file there).
 *
 * <p>Where the server comes from, first match wins:
 *
 * <ol>
 *   <li>env {@code STRATA_REDIS_URL} or system property {@code strata.redis.url} ({@code
 *       redis://[user:password@]host:port}): that external server is used as is; fault operations
 *       ({@link #suspend()}, {@link #kill()}, {@link #restart()}...) then abort the calling test
 *       with a JUnit assumption failure, since they cannot be done on a server we do not own;
 *   <li>a {@code redis-server} binary: system property {@code strata.redis.binary} / env {@code
 *       STRATA_REDIS_BINARY}, else the one on the {@code PATH}, else the binary shipped inside the
 *       {@code com.github.codemonstur:embedded-redis} jar (system property {@code
 *       strata.redis.source=path|embedded|container} forces one source);
 *   <li>a Docker container through Testcontainers, when it is on the class path and Docker runs.
 * </ol>
 *
 * <p>Thread-safety: all methods may be called from any thread; state changes (kill, restart,
 * suspend, resume, close) are serialized. Every local process is also killed by a JVM shutdown
 * hook, and processes left behind by a JVM that died are killed by the next JVM that starts one.
 *
 * <p>Example:
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start()) {
 *   RedisClient client = RedisClient.create(redis.uri());
 *   ...
 *   redis.kill();     // connections now fail
 *   redis.restart();  // same port, empty data set
 * }
 * }</pre>
 */
public final class RedisServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisServer.class);
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

  private final RedisInstance instance;
  private final String kind;
  private volatile long pausedUntilNanos = System.nanoTime();

  RedisServer(RedisInstance instance, String kind) {
    this.instance = instance;
    this.kind = kind;
  }

  /**
   * Starts a server with default settings and waits until it answers PING.
   *
   * @return the running server; the caller must {@link #close()} it
   * @throws IllegalStateException when no Redis can be started (no binary, no Docker) or the
   *     process fails to start; the message includes the server's log
   */
  public static RedisServer start() {
    return builder().start();
  }

  /** Returns a builder for a server with extra settings. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the external server URI configured by env {@code STRATA_REDIS_URL} or system property
   * {@code strata.redis.url}, if any. The system property wins.
   */
  public static Optional<String> externalUri() {
    String property = System.getProperty("strata.redis.url");
    if (property != null && !property.isBlank()) {
      return Optional.of(property.trim());
    }
    String env = System.getenv("STRATA_REDIS_URL");
    return env == null || env.isBlank() ? Optional.empty() : Optional.of(env.trim());
  }

  /** Returns {@code 127.0.0.1} for a local server, or the external server's host. */
  public String host() {
    return instance.host();
  }

  /** Returns the port the server listens on; stable across {@link #restart()}. */
  public int port() {
    return instance.port();
  }

  /**
   * Returns the URI clients connect with, e.g. {@code redis://127.0.0.1:16379}, or {@code
   * redis://:password@127.0.0.1:16379} for a server started with {@code requirepass}.
   */
  public String uri() {
    return instance.uri();
  }

  /**
   * Returns how the server was obtained: {@code process} (a private redis-server), {@code
   * container} or {@code external}.
   */
  public String kind() {
    return kind;
  }

  /** Returns whether this is an external server that fault operations cannot touch. */
  public boolean isExternal() {
    return kind.equals("external");
  }

  /**
   * Sends one command on a fresh connection and returns the reply: a {@link String} for status and
   * bulk replies, a {@link Long} for integers, a {@link List} for arrays, {@code null} for nil.
   *
   * @param args the command and its arguments, e.g. {@code "CONFIG", "SET", "maxmemory", "1mb"}
   * @throws RedisReplyException when the server answers with an error
   * @throws java.io.UncheckedIOException when the server cannot be reached within 10 seconds
   */
  public @Nullable Object command(String... args) {
    if (args.length == 0) {
      throw new IllegalArgumentException("command needs at least the command name");
    }
    return instance.admin().call(COMMAND_TIMEOUT, args);
  }

  /**
   * Deletes every key in every database ({@code FLUSHALL}).
   *
   * @throws java.io.UncheckedIOException when the server is down or suspended
   */
  public void flushAll() {
    command("FLUSHALL");
  }

  /**
   * Makes the server stop answering clients for {@code duration} ({@code CLIENT PAUSE ... ALL}),
   * while the process keeps running and connections stay open; commands sent meanwhile are answered
   * when the pause ends. Returns at once. The pause cannot be cut short (Redis holds every client's
   * commands, {@code CLIENT UNPAUSE} included) except by {@link #restart()}, so keep it short;
   * {@link #awaitPauseEnd()} waits for it.
   *
   * @throws IllegalArgumentException when the duration is not positive
   */
  public void pause(Duration duration) {
    Objects.requireNonNull(duration, "duration must not be null");
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("pause duration must be positive but was " + duration);
    }
    long millis = Math.max(1, duration.toMillis());
    pausedUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    command("CLIENT", "PAUSE", Long.toString(millis), "ALL");
  }

  /**
   * Blocks until a pause started by {@link #pause(Duration)} has ended; returns at once if none.
   */
  public void awaitPauseEnd() {
    long remaining = pausedUntilNanos - System.nanoTime();
    while (remaining > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(remaining);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for a pause to end", e);
      }
      remaining = pausedUntilNanos - System.nanoTime();
    }
  }

  /**
   * Freezes the server process with SIGSTOP: connections stay open, nothing is answered, commands
   * time out on the client side. Idempotent.
   *
   * @throws IllegalStateException when the server is not running
   */
  public void suspend() {
    instance.suspend();
  }

  /**
   * Continues a process frozen by {@link #suspend()} with SIGCONT. Idempotent.
   *
   * @throws IllegalStateException when the server is not running
   */
  public void resume() {
    instance.resume();
  }

  /**
   * Kills the server with SIGKILL (no shutdown, no goodbye to clients) and waits until the process
   * is gone; connections fail from now on. Idempotent while killed. {@link #restart()} brings it
   * back.
   */
  public void kill() {
    instance.kill();
  }

  /**
   * Starts the server again on the same port, killing it first if it runs, and waits until it
   * answers PING. The data set is empty afterwards (no persistence). If the port is briefly held
   * (e.g. TIME_WAIT), binding is retried for up to 30 seconds.
   *
   * @throws IllegalStateException when the server cannot be started again
   */
  public void restart() {
    instance.restart();
    pausedUntilNanos = System.nanoTime();
  }

  /** Returns whether the server process exists (a suspended process counts as running). */
  public boolean isRunning() {
    return instance.isRunning();
  }

  /** Returns whether the process is frozen by {@link #suspend()}. */
  public boolean isSuspended() {
    return instance.isSuspended();
  }

  /** Returns the file the server logs to, when it is a local process. */
  public Optional<Path> logFile() {
    return instance.logFile();
  }

  /**
   * Stops the server and deletes its temp directory. Idempotent; an external server is left alone.
   */
  @Override
  public void close() {
    instance.close();
  }

  @Override
  public String toString() {
    return "RedisServer[" + kind + " " + uri() + "]";
  }

  /** Builder for a {@link RedisServer} with extra redis.conf settings. Not thread-safe. */
  public static final class Builder {
    private final List<String[]> settings = new ArrayList<>();

    private Builder() {}

    /**
     * Adds a redis.conf setting, e.g. {@code setting("maxmemory", "10mb")}. Ignored (with a
     * warning) for an external server. With {@code requirepass}, {@link RedisServer#uri()} carries
     * the password and administrative commands authenticate with it.
     *
     * @throws IllegalArgumentException when the name is blank or either contains a line break
     */
    public Builder setting(String name, String value) {
      Objects.requireNonNull(name, "name must not be null");
      Objects.requireNonNull(value, "value must not be null");
      if (name.isBlank() || name.contains("\n") || value.contains("\n")) {
        throw new IllegalArgumentException(
            "setting name must be a non-blank single line but was '" + name + "'");
      }
      settings.add(new String[] {name.trim(), value});
      return this;
    }

    /**
     * Starts the server as described in {@link RedisServer} and waits until it answers PING.
     *
     * @throws IllegalStateException when no Redis can be started
     */
    public RedisServer start() {
      Optional<String> external = externalUri();
      if (external.isPresent()) {
        if (!settings.isEmpty()) {
          LOG.warn("Ignoring {} redis.conf settings for external Redis", settings.size());
        }
        ExternalRedis redis = ExternalRedis.parse(external.get());
        LOG.info("Using external Redis {}:{}", redis.host(), redis.port());
        return new RedisServer(redis, "external");
      }
      Optional<RedisBinary> binary = RedisBinary.resolve();
      if (binary.isPresent()) {
        List<String> lines = new ArrayList<>();
        String password = null;
        for (String[] setting : settings) {
          lines.add(setting[0] + " " + quote(setting[1]));
          if (setting[0].equalsIgnoreCase("requirepass")) {
            password = setting[1];
          }
        }
        LocalRedisProcess process = LocalRedisProcess.start(binary.get(), lines, false, password);
        LOG.debug(
            "Started redis-server {} ({}) on port {}",
            binary.get().version(),
            binary.get().source(),
            process.port());
        return new RedisServer(process, "process");
      }
      if (dockerAvailable()) {
        return new RedisServer(ContainerRedis.start(settings), "container");
      }
      throw new IllegalStateException(
          "No Redis available: no redis-server on the PATH, no embedded-redis binary for "
              + System.getProperty("os.name")
              + "/"
              + System.getProperty("os.arch")
              + ", and no Docker for Testcontainers. Install redis-server, or set STRATA_REDIS_URL"
              + " to an external server.");
    }

    private static boolean dockerAvailable() {
      try {
        // Checked here, before ContainerRedis (which links against Testcontainers) is loaded.
        Class.forName("org.testcontainers.DockerClientFactory");
        return ContainerRedis.isAvailable();
      } catch (ClassNotFoundException | LinkageError e) {
        return false;
      }
    }

    private static String quote(String value) {
      return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
  }
}
