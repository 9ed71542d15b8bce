package dev.strata.health;

import dev.strata.health.internal.DaemonThreadFactory;
import dev.strata.health.internal.Durations;
import dev.strata.health.internal.HealthHttpHandler;
import dev.strata.health.internal.HealthHttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a {@link HealthRegistry} over HTTP/1.1 on its own small server (a non-blocking selector
 * loop and a bounded pool of probe workers), with no other dependency.
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
 * <p>Hostile or broken clients cannot starve probes: one selector thread accepts connections and
 * reads request heads without blocking, so an idle or slow client holds a connection slot, never a
 * worker thread. A head must arrive within {@link Builder#headerReadTimeout(Duration)} (else the
 * connection is closed) and fit in {@link Builder#maxRequestHeadBytes(int)} (else 431); at most
 * {@link Builder#maxConnections(int)} connections are open, and a new connection at the cap closes
 * the oldest one still sending its head (when every open connection is waiting for its checks, new
 * ones wait in the listen backlog instead). Each connection carries one request: responses say
 * {@code Connection: close}. Request bodies are not read.
 *
 * <p>Binds the loopback address by default, so only the local host (a sidecar, a node agent, the
 * process itself) can reach it; set {@link Builder#bindAddress(String)} to {@code "0.0.0.0"} (or an
 * interface's address) where probes come from another host, as in a Kubernetes pod.
 *
 * <p>Thread-safe. {@link #start()} binds the port; {@link #close()} stops the server (the registry
 * stays open: it is the caller's).
 */
public final class HealthEndpoint implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HealthEndpoint.class);

  private final HealthRegistry registry;
  private final @Nullable String bindAddress;
  private final int port;
  private final String basePath;
  private final DetailsVisibility details;
  private final byte @Nullable [] bearerToken;
  private final int threads;
  private final int maxConnections;
  private final int maxRequestHeadBytes;
  private final Duration headerReadTimeout;

  private final Object lock = new Object();
  private @Nullable HealthHttpServer server;
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
    this.maxConnections = b.maxConnections;
    this.maxRequestHeadBytes = b.maxRequestHeadBytes;
    this.headerReadTimeout = b.headerReadTimeout;
  }

  /**
   * Starts configuring an endpoint for a registry.
   *
   * @param registry the registry to serve, not null
   * @return a builder with defaults: port 8081 on the loopback address, base path {@code /health},
   *     details never shown, 2 probe workers, 256 connections, request heads of at most 8 KiB
   *     within 3 seconds
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
      try {
        InetSocketAddress address =
            bindAddress == null
                ? new InetSocketAddress(InetAddress.getLoopbackAddress(), port)
                : new InetSocketAddress(InetAddress.getByName(bindAddress), port);
        // every connection has at most one task queued at a time, so this queue never overflows
        ExecutorService exec =
            new ThreadPoolExecutor(
                threads,
                threads,
                0L,
                TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(2 * maxConnections),
                new DaemonThreadFactory("strata-health-http"));
        HealthHttpServer s;
        try {
          s =
              HealthHttpServer.start(
                  address,
                  new HealthHttpHandler(registry, basePath, details, bearerToken, exec),
                  exec,
                  maxConnections,
                  maxRequestHeadBytes,
                  headerReadTimeout.toNanos());
        } catch (IOException | RuntimeException e) {
          exec.shutdownNow();
          throw e;
        }
        server = s;
        serverExecutor = exec;
        LOG.info(
            "health endpoint listening on {}:{}{}",
            s.address().getHostString(),
            s.address().getPort(),
            basePath);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "could not start health endpoint on "
                + (bindAddress == null ? "loopback" : bindAddress)
                + ":"
                + port,
            e);
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
      return server.address().getPort();
    }
  }

  /**
   * The address the server listens on.
   *
   * @return the bound address with the actual port
   * @throws IllegalStateException if not started
   */
  public InetSocketAddress address() {
    synchronized (lock) {
      if (server == null) {
        throw new IllegalStateException("health endpoint is not started");
      }
      return server.address();
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
    HealthHttpServer s;
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
    s.close();
    exec.shutdownNow();
    LOG.info("health endpoint stopped");
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
    private int maxConnections = 256;
    private int maxRequestHeadBytes = 8192;
    private Duration headerReadTimeout = Duration.ofSeconds(3);

    private Builder(HealthRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry must not be null");
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
     * @param bindAddress a host name or IP literal ({@code "0.0.0.0"} or {@code "::"} for all
     *     interfaces), or null for the loopback address (the default)
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
      this.basePath = Objects.requireNonNull(basePath, "basePath must not be null");
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
      this.details = Objects.requireNonNull(details, "details must not be null");
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
      this.bearerToken = Objects.requireNonNull(bearerToken, "bearerToken must not be null");
      return this;
    }

    /**
     * Sets how many probe workers route complete requests and render reports (connections are
     * accepted and read by one separate selector thread; checks run on the registry's threads).
     *
     * @param threads positive; default 2
     * @return this builder
     */
    public Builder threads(int threads) {
      this.threads = threads;
      return this;
    }

    /**
     * Sets the cap on open connections. At the cap, a new connection closes the oldest connection
     * still sending its request head (if connected for at least 100 ms); when every open connection
     * has a request in progress, new connections wait in the listen backlog until one is answered.
     *
     * @param maxConnections 1 to 10000; default 256
     * @return this builder
     */
    public Builder maxConnections(int maxConnections) {
      this.maxConnections = maxConnections;
      return this;
    }

    /**
     * Sets the cap on a request head's size (request line and header fields); a larger head is
     * answered with 431 and the connection closed.
     *
     * @param maxRequestHeadBytes 256 to 65536; default 8192
     * @return this builder
     */
    public Builder maxRequestHeadBytes(int maxRequestHeadBytes) {
      this.maxRequestHeadBytes = maxRequestHeadBytes;
      return this;
    }

    /**
     * Sets how long a client may take from connecting to the end of its request head (and again to
     * take the response); a connection that misses it is closed.
     *
     * @param headerReadTimeout positive, not null; default 3 seconds
     * @return this builder
     */
    public Builder headerReadTimeout(Duration headerReadTimeout) {
      this.headerReadTimeout =
          Objects.requireNonNull(headerReadTimeout, "headerReadTimeout must not be null");
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
      if (maxConnections < 1 || maxConnections > 10_000) {
        throw new IllegalArgumentException(
            "maxConnections must be between 1 and 10000 but was " + maxConnections);
      }
      if (maxRequestHeadBytes < 256 || maxRequestHeadBytes > 65_536) {
        throw new IllegalArgumentException(
            "maxRequestHeadBytes must be between 256 and 65536 but was " + maxRequestHeadBytes);
      }
      Durations.requirePositive("headerReadTimeout", headerReadTimeout);
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
