package dev.strata.health;

import com.sun.net.httpserver.HttpServer;
import dev.strata.health.internal.DaemonThreadFactory;
import dev.strata.health.internal.HealthHttpHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a {@link HealthRegistry} over HTTP on the JDK's built-in server ({@code
 * com.sun.net.httpserver}), with no other dependency.
 *
 * <table>
 *   <caption>Paths (base path {@code /health} by default)</caption>
 *   <tr><th>path</th><th>checks</th></tr>
 *   <tr><td>{@code /health}</td><td>all</td></tr>
 *   <tr><td>{@code /health/live}</td><td>{@link HealthGroup#LIVENESS}</td></tr>
 *   <tr><td>{@code /health/ready}</td><td>{@link HealthGroup#READINESS}</td></tr>
 *   <tr><td>{@code /health/started}</td><td>{@link HealthGroup#STARTUP}</td></tr>
 *   <tr><td>{@code /health/NAME}</td><td>custom group NAME, if any check belongs to it</td></tr>
 * </table>
 *
 * <p>Answers 200 when the status is UP or DEGRADED and 503 when DOWN, to GET and HEAD (HEAD sends
 * no body); 404 for any other path; 405 with {@code Allow: GET, HEAD} for other methods. The body
 * is JSON ({@code application/json; charset=utf-8}, see {@link HealthReport}) unless the request
 * asks for {@code text/plain} in its {@code Accept} header or with {@code ?format=text}. Details
 * are shown according to {@link Builder#showDetails(DetailsVisibility)}; a missing or wrong bearer
 * token hides them but does not fail the request, so probes keep working. Responses carry {@code
 * Cache-Control: no-store}.
 *
 * <p>Request threads never run checks and never wait on them: a probe completes when its checks do,
 * which is at most the longest timeout among them.
 *
 * <p>Thread-safe. {@link #start()} binds the port; {@link #close()} stops the server (the registry
 * stays open: it is the caller's).
 */
public final class HealthEndpoint implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HealthEndpoint.class);

  private final HealthRegistry registry;
  private final @Nullable String bindAddress;
  private final int port;
  private final String basePath;
  private final DetailsVisibility details;
  private final byte @Nullable [] bearerToken;
  private final int threads;

  private final Object lock = new Object();
  private @Nullable HttpServer server;
  private @Nullable ExecutorService serverExecutor;
  private boolean closed;

  private HealthEndpoint(Builder b) {
    this.registry = b.registry;
    this.bindAddress = b.bindAddress;
    this.port = b.port;
    this.basePath = b.basePath;
    this.details = b.details;
    this.bearerToken =
        b.bearerToken == null ? null : b.bearerToken.getBytes(StandardCharsets.UTF_8);
    this.threads = b.threads;
  }

  /**
   * Starts configuring an endpoint for a registry.
   *
   * @param registry the registry to serve, not null
   * @return a builder with defaults: port 8081 on all interfaces, base path {@code /health},
   *     details never shown, 2 threads
   */
  public static Builder builder(HealthRegistry registry) {
    return new Builder(registry);
  }

  /**
   * Binds the port and starts serving.
   *
   * @return this endpoint
   * @throws UncheckedIOException if the port cannot be bound
   * @throws IllegalStateException if already started or closed
   */
  public HealthEndpoint start() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("health endpoint is closed");
      }
      if (server != null) {
        throw new IllegalStateException("health endpoint was already started");
      }
      InetSocketAddress address;
      try {
        address =
            bindAddress == null
                ? new InetSocketAddress(port)
                : new InetSocketAddress(InetAddress.getByName(bindAddress), port);
        HttpServer s = HttpServer.create(address, 0);
        ExecutorService exec =
            Executors.newFixedThreadPool(threads, new DaemonThreadFactory("strata-health-http"));
        s.setExecutor(exec);
        s.createContext("/", new HealthHttpHandler(registry, basePath, details, bearerToken, exec));
        s.start();
        server = s;
        serverExecutor = exec;
        log.info(
            "health endpoint listening on {}:{}{}",
            s.getAddress().getHostString(),
            s.getAddress().getPort(),
            basePath);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "could not start health endpoint on " + bindAddress + ":" + port, e);
      }
      return this;
    }
  }

  /**
   * The port the server listens on (the actual one when configured with port 0).
   *
   * @return the port
   * @throws IllegalStateException if not started
   */
  public int port() {
    synchronized (lock) {
      if (server == null) {
        throw new IllegalStateException("health endpoint is not started");
      }
      return server.getAddress().getPort();
    }
  }

  /**
   * The configured base path.
   *
   * @return the base path, starting with {@code /} and not ending with one (unless it is {@code /})
   */
  public String basePath() {
    return basePath;
  }

  /** Stops the server and its threads. Idempotent; a stopped endpoint cannot be started again. */
  @Override
  public void close() {
    HttpServer s;
    ExecutorService exec;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      s = server;
      exec = serverExecutor;
      server = null;
      serverExecutor = null;
    }
    if (s == null || exec == null) {
      return;
    }
    s.stop(0);
    exec.shutdownNow();
    log.info("health endpoint stopped");
  }

  /** Configures a {@link HealthEndpoint}. Not thread-safe; use from one thread. */
  public static final class Builder {
    private final HealthRegistry registry;
    private @Nullable String bindAddress;
    private int port = 8081;
    private String basePath = "/health";
    private DetailsVisibility details = DetailsVisibility.NEVER;
    private @Nullable String bearerToken;
    private int threads = 2;

    private Builder(HealthRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * Sets the port.
     *
     * @param port 0 (an ephemeral port, see {@link HealthEndpoint#port()}) to 65535; default 8081
     * @return this builder
     */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * Sets the address to bind, e.g. {@code "127.0.0.1"}.
     *
     * @param bindAddress a host name or IP literal, or null for all interfaces (the default)
     * @return this builder
     */
    public Builder bindAddress(@Nullable String bindAddress) {
      this.bindAddress = bindAddress;
      return this;
    }

    /**
     * Sets the base path; a trailing {@code /} is dropped.
     *
     * @param basePath starting with {@code /}, not null; default {@code /health}
     * @return this builder
     */
    public Builder basePath(String basePath) {
      this.basePath = Objects.requireNonNull(basePath, "basePath");
      return this;
    }

    /**
     * Sets when details are shown. {@link DetailsVisibility#WITH_TOKEN} needs {@link
     * #bearerToken(String)}.
     *
     * @param details not null; default {@link DetailsVisibility#NEVER}
     * @return this builder
     */
    public Builder showDetails(DetailsVisibility details) {
      this.details = Objects.requireNonNull(details, "details");
      return this;
    }

    /**
     * Sets the bearer token that reveals details when details are {@link
     * DetailsVisibility#WITH_TOKEN}; compared in constant time.
     *
     * @param bearerToken the token, not null or empty
     * @return this builder
     */
    public Builder bearerToken(String bearerToken) {
      this.bearerToken = Objects.requireNonNull(bearerToken, "bearerToken");
      return this;
    }

    /**
     * Sets how many threads accept requests and write responses (checks run on the registry's
     * threads, not these).
     *
     * @param threads positive; default 2
     * @return this builder
     */
    public Builder threads(int threads) {
      this.threads = threads;
      return this;
    }

    /**
     * Validates and builds; nothing is bound until {@link HealthEndpoint#start()}.
     *
     * @return the endpoint
     * @throws IllegalArgumentException naming the field and value when a setting is invalid
     */
    public HealthEndpoint build() {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be between 0 and 65535 but was " + port);
      }
      if (!basePath.startsWith("/") || basePath.contains("//") || basePath.contains("?")) {
        throw new IllegalArgumentException(
            "basePath must start with '/' and contain no '//' or '?' but was '" + basePath + "'");
      }
      if (basePath.length() > 1 && basePath.endsWith("/")) {
        basePath = basePath.substring(0, basePath.length() - 1);
      }
      if (threads <= 0) {
        throw new IllegalArgumentException("threads must be positive but was " + threads);
      }
      if (details == DetailsVisibility.WITH_TOKEN
          && (bearerToken == null || bearerToken.isEmpty())) {
        throw new IllegalArgumentException(
            "bearerToken must be set and non-empty when details is WITH_TOKEN but was "
                + (bearerToken == null ? "null" : "''"));
      }
      if (details != DetailsVisibility.WITH_TOKEN && bearerToken != null) {
        throw new IllegalArgumentException(
            "bearerToken is only used when details is WITH_TOKEN but details was " + details);
      }
      return new HealthEndpoint(this);
    }
  }
}
