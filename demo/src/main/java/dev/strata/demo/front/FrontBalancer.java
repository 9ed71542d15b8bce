package dev.strata.demo.front;

import com.sun.net.httpserver.HttpServer;
import dev.strata.demo.front.internal.AdminHandler;
import dev.strata.demo.front.internal.EndpointSet;
import dev.strata.demo.front.internal.ProxyHandler;
import dev.strata.demo.front.internal.UpstreamClient;
import dev.strata.lb.Endpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 reverse proxy in front of the demo's instances, built on strata-lb and
 * strata-health.
 *
 * <pre>{@code
 * FrontBalancer front = FrontBalancer.builder()
 *     .port(0)
 *     .endpoint("app-1", "127.0.0.1", 8081)
 *     .healthPath("/actuator/health/readiness")
 *     .build();
 * front.start();
 * int port = front.port();
 * ...
 * front.close();
 * }</pre>
 *
 * <p><b>Balancing.</b> Power of two choices, least request ({@code Selectors.powerOfTwoChoices()}),
 * over an {@code EndpointPool}: of two random endpoints, the one with fewer requests in flight per
 * unit of (slow-start) weight wins, a recent failure score raising its load. It is preferred here
 * to peak-EWMA because the demo's identical instances share one small machine, where latency
 * differs mostly by noise (GC pauses, JIT) that a latency cost would chase, and because slow start
 * then shows as a clear ramp. An {@code ActiveHealthChecker} probes each endpoint's health path and
 * takes it out after {@code fall} failed probes, back after {@code rise} good ones; then it ramps
 * up under slow start with fresh statistics. {@code outlierEjection} consecutive 5xx answers or
 * failed exchanges eject an endpoint (for 10 s, longer when it repeats). There is no panic mode:
 * when no endpoint is up, clients get 503. Endpoints given to the builder start up; endpoints added
 * later, and drained ones put back, start down until {@code rise} probes succeeded.
 *
 * <p><b>Retries.</b> A request goes to at most {@code maxAttempts} endpoints, never twice to the
 * same one. It goes to the next one after a failed connect (the request never reached the
 * endpoint), and, for idempotent methods only (GET, HEAD, PUT, DELETE, OPTIONS), also after a
 * connection reset, an upstream timeout or a 502/503 answer. A POST whose connection broke after it
 * was sent is not retried: the client gets 502. When every attempt failed the client gets 502, or
 * the last endpoint's answer if one answered with 502/503.
 *
 * <p><b>Forwarding.</b> Method, path, query, header fields (Cookie and every Set-Cookie included)
 * and a body of up to 1 MiB (larger: 413); hop-by-hop fields are dropped and the client's address
 * appended to {@code X-Forwarded-For}. Responses are read completely before they are sent on.
 *
 * <p><b>Admin paths.</b> {@code GET /_front/status} answers {@link #endpoints()} as a JSON array;
 * {@code POST /_front/instances/{id}/{stop|kill|start}} calls the {@link InstanceControl} and
 * answers 200 when it returned (404 for an unknown id, 501 without a control, 500 if it threw).
 *
 * <p>Thread-safe. Requests run on a bounded pool of threads; {@link #close()} stops probing, the
 * server and the threads. Loading this class sets the system property {@code
 * sun.net.httpserver.nodelay} to {@code true} unless it is set: without it the JDK's HTTP server
 * delays every response by a delayed-ACK round (about 40 ms).
 */
public final class FrontBalancer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FrontBalancer.class);
  private static final Duration EJECTION_TIME = Duration.ofSeconds(10);

  /**
   * The JDK's HTTP server writes a response's head and body in separate segments; without
   * TCP_NODELAY, Nagle's algorithm holds the body until the client's delayed ACK (about 40 ms on
   * Linux) for every response. The server reads this property once, when the first one in the JVM
   * is created, so it is set as early as this class is loaded, unless set already.
   */
  static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

  static {
    if (System.getProperty(NODELAY_PROPERTY) == null) {
      System.setProperty(NODELAY_PROPERTY, "true");
    }
  }

  private final String bindAddress;
  private final int requestedPort;
  private final int threads;
  private final UpstreamClient client = new UpstreamClient();
  private final EndpointSet endpoints;
  private final ProxyHandler proxy;
  private final AdminHandler admin;
  private final Object lifecycle = new Object();
  private @Nullable HttpServer server;
  private @Nullable ThreadPoolExecutor executor;
  private boolean started;
  private boolean closed;

  private FrontBalancer(Builder b) {
    this.bindAddress = b.bindAddress;
    this.requestedPort = b.port;
    this.threads = b.threads;
    this.endpoints =
        new EndpointSet(
            b.endpoints,
            new EndpointSet.Settings(
                b.healthPath,
                b.probeInterval,
                b.probeTimeout,
                b.fall,
                b.rise,
                b.slowStart,
                b.outlierEjection,
                EJECTION_TIME,
                b.upstreamTimeout.plusSeconds(1)),
            client);
    this.proxy = new ProxyHandler(endpoints, client, b.upstreamTimeout, b.maxAttempts, b.listener);
    this.admin = new AdminHandler(endpoints, b.instanceControl);
  }

  /**
   * Starts configuring a front: port 0 on 127.0.0.1, health path {@code
   * /actuator/health/readiness}, probes every 250 ms with a 500 ms timeout, fall 2, rise 2, slow
   * start 3 s, ejection after 3 consecutive failures, upstream timeout 5 s, 3 attempts, 64 threads,
   * no instance control, no listener.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the port and starts serving and probing.
   *
   * @return this front
   * @throws IllegalStateException if already started or closed
   * @throws UncheckedIOException if the port cannot be bound
   */
  public FrontBalancer start() {
    synchronized (lifecycle) {
      if (closed || started) {
        throw new IllegalStateException(closed ? "front is closed" : "front is already started");
      }
      HttpServer http;
      try {
        http = HttpServer.create(new InetSocketAddress(bindAddress, requestedPort), 128);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot bind the front to " + bindAddress + ":" + requestedPort, e);
      }
      AtomicInteger count = new AtomicInteger();
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              threads,
              threads,
              30,
              TimeUnit.SECONDS,
              new ArrayBlockingQueue<>(1024),
              r -> {
                Thread t = new Thread(r, "strata-front-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      pool.allowCoreThreadTimeOut(true);
      http.setExecutor(pool);
      http.createContext("/", proxy);
      http.createContext(AdminHandler.PREFIX, admin);
      http.start();
      endpoints.start();
      server = http;
      executor = pool;
      started = true;
      log.info(
          "front balancer listening on {}:{} for {}",
          bindAddress,
          http.getAddress().getPort(),
          endpoints.views().stream().map(FrontEndpointView::id).toList());
      return this;
    }
  }

  /**
   * Returns the port the front listens on.
   *
   * @return the bound port
   * @throws IllegalStateException if not started
   */
  public int port() {
    synchronized (lifecycle) {
      if (server == null) {
        throw new IllegalStateException("front is not started");
      }
      return server.getAddress().getPort();
    }
  }

  /**
   * Adds an endpoint while the front runs; it receives requests once {@code rise} probes of its
   * health path succeeded.
   *
   * @param id unique id, not blank
   * @param host host name or address
   * @param port port
   * @throws IllegalArgumentException if the id is taken or an argument is invalid
   */
  public void addEndpoint(String id, String host, int port) {
    endpoints.add(Endpoint.of(id, host, port));
  }

  /**
   * Takes an endpoint out of selection for new requests; requests in flight to it finish (watch
   * {@link #inFlight(String)}). Idempotent.
   *
   * @param id the endpoint id, not null
   * @throws IllegalArgumentException if the id is unknown
   */
  public void drain(String id) {
    endpoints.drain(Objects.requireNonNull(id, "id"));
  }

  /**
   * Puts a drained endpoint back: it receives requests again once {@code rise} probes of its health
   * path succeeded, under slow start. A no-op for an endpoint that is not drained.
   *
   * @param id the endpoint id, not null
   * @throws IllegalArgumentException if the id is unknown
   */
  public void undrain(String id) {
    endpoints.undrain(Objects.requireNonNull(id, "id"));
  }

  /**
   * Returns the number of requests currently forwarded to an endpoint.
   *
   * @param id the endpoint id, not null
   * @return the count, at least 0
   * @throws IllegalArgumentException if the id is unknown
   */
  public int inFlight(String id) {
    return endpoints.inFlight(Objects.requireNonNull(id, "id"));
  }

  /**
   * Returns every endpoint's state, in the order they were added.
   *
   * @return a new unmodifiable list
   */
  public List<FrontEndpointView> endpoints() {
    return List.copyOf(endpoints.views());
  }

  /** Stops probing, closes the listening socket and upstream connections, stops the threads. */
  @Override
  public void close() {
    HttpServer http;
    ThreadPoolExecutor pool;
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      http = server;
      pool = executor;
    }
    endpoints.close();
    if (http != null) {
      http.stop(0);
    }
    client.close();
    if (pool != null) {
      pool.shutdown();
      try {
        if (!pool.awaitTermination(2, TimeUnit.SECONDS)) {
          pool.shutdownNow();
        }
      } catch (InterruptedException e) {
        pool.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    log.info("front balancer closed");
  }

  @Override
  public String toString() {
    return "FrontBalancer{" + bindAddress + ":" + requestedPort + ", " + endpoints.views() + "}";
  }

  /** Configures a {@link FrontBalancer}; not thread-safe, validated in {@link #build()}. */
  public static final class Builder {
    private String bindAddress = "127.0.0.1";
    private int port;
    private final List<Endpoint> endpoints = new ArrayList<>();
    private String healthPath = "/actuator/health/readiness";
    private Duration probeInterval = Duration.ofMillis(250);
    private Duration probeTimeout = Duration.ofMillis(500);
    private int fall = 2;
    private int rise = 2;
    private Duration slowStart = Duration.ofSeconds(3);
    private int outlierEjection = 3;
    private Duration upstreamTimeout = Duration.ofSeconds(5);
    private int maxAttempts = 3;
    private int threads = 64;
    private @Nullable InstanceControl instanceControl;
    private @Nullable Consumer<RequestRecord> listener;

    private Builder() {}

    /**
     * Sets the port to listen on.
     *
     * @param port 0 (any free port, see {@link FrontBalancer#port()}) to 65535; default 0
     * @return this builder
     */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * Sets the address to listen on. The admin paths can stop instances, so keep it on loopback
     * unless the network is trusted.
     *
     * @param address an address literal or host name, not null; default {@code 127.0.0.1}
     * @return this builder
     */
    public Builder bindAddress(String address) {
      this.bindAddress = Objects.requireNonNull(address, "address");
      return this;
    }

    /**
     * Adds an endpoint, up from the start (the checker takes it down after {@code fall} failed
     * probes).
     *
     * @param id unique id, not blank
     * @param host host name or address, not blank
     * @param port port
     * @return this builder
     * @throws IllegalArgumentException if an argument is invalid
     */
    public Builder endpoint(String id, String host, int port) {
      endpoints.add(Endpoint.of(id, host, port));
      return this;
    }

    /**
     * Sets the path the active checker probes with GET (200-399 is up).
     *
     * @param path starting with {@code /}, not null; default {@code /actuator/health/readiness}
     * @return this builder
     */
    public Builder healthPath(String path) {
      this.healthPath = Objects.requireNonNull(path, "path");
      return this;
    }

    /**
     * Sets the time between probes of one endpoint.
     *
     * @param interval positive, not null; default 250 ms
     * @return this builder
     */
    public Builder probeInterval(Duration interval) {
      this.probeInterval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /**
     * Sets how long a probe may take.
     *
     * @param timeout positive, not null; default 500 ms
     * @return this builder
     */
    public Builder probeTimeout(Duration timeout) {
      this.probeTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Sets how many failed probes in a row take an endpoint down.
     *
     * @param fall at least 1; default 2
     * @return this builder
     */
    public Builder fall(int fall) {
      this.fall = fall;
      return this;
    }

    /**
     * Sets how many good probes in a row bring an endpoint back up.
     *
     * @param rise at least 1; default 2
     * @return this builder
     */
    public Builder rise(int rise) {
      this.rise = rise;
      return this;
    }

    /**
     * Sets the slow-start window of an endpoint that comes (back) up.
     *
     * @param window not negative, not null; zero turns slow start off; default 3 s
     * @return this builder
     */
    public Builder slowStart(Duration window) {
      this.slowStart = Objects.requireNonNull(window, "window");
      return this;
    }

    /**
     * Sets how many consecutive 5xx answers or failed exchanges eject an endpoint.
     *
     * @param consecutiveFailures at least 1, or 0 to turn ejection off; default 3
     * @return this builder
     */
    public Builder outlierEjection(int consecutiveFailures) {
      this.outlierEjection = consecutiveFailures;
      return this;
    }

    /**
     * Sets the limit of one attempt: connect, send and read the whole response.
     *
     * @param timeout positive, not null; default 5 s
     * @return this builder
     */
    public Builder upstreamTimeout(Duration timeout) {
      this.upstreamTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Sets how many endpoints one request may be sent to (see the retry rules on {@link
     * FrontBalancer}).
     *
     * @param maxAttempts at least 1; default 3
     * @return this builder
     */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * Sets how many requests are handled at once; more wait in a bounded queue.
     *
     * @param threads at least 1; default 64
     * @return this builder
     */
    public Builder threads(int threads) {
      this.threads = threads;
      return this;
    }

    /**
     * Sets what serves {@code POST /_front/instances/{id}/{stop|kill|start}}.
     *
     * @param control the control, not null; without one those paths answer 501
     * @return this builder
     */
    public Builder instanceControl(InstanceControl control) {
      this.instanceControl = Objects.requireNonNull(control, "control");
      return this;
    }

    /**
     * Sets who is told about every client request (admin requests excluded), once each. Called on
     * the request's thread when the response is ready, just before it is written, so a client that
     * got its response finds its record; it should be quick and must be thread-safe. An exception
     * it throws is logged.
     *
     * @param listener the listener, not null
     * @return this builder
     */
    public Builder listener(Consumer<RequestRecord> listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Validates the settings and builds the front; nothing listens before {@link #start()}.
     *
     * @return the front
     * @throws IllegalArgumentException naming the invalid setting and its value
     */
    public FrontBalancer build() {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be between 0 and 65535 but was " + port);
      }
      Set<String> ids = new HashSet<>();
      for (Endpoint endpoint : endpoints) {
        if (!ids.add(endpoint.id())) {
          throw new IllegalArgumentException("endpoint id '" + endpoint.id() + "' is repeated");
        }
      }
      if (!healthPath.startsWith("/")) {
        throw new IllegalArgumentException(
            "healthPath must start with '/' but was '" + healthPath + "'");
      }
      positive("probeInterval", probeInterval);
      positive("probeTimeout", probeTimeout);
      positive("upstreamTimeout", upstreamTimeout);
      if (slowStart.isNegative()) {
        throw new IllegalArgumentException("slowStart must not be negative but was " + slowStart);
      }
      atLeast("fall", fall, 1);
      atLeast("rise", rise, 1);
      atLeast("outlierEjection", outlierEjection, 0);
      atLeast("maxAttempts", maxAttempts, 1);
      atLeast("threads", threads, 1);
      return new FrontBalancer(this);
    }

    private static void positive(String name, Duration value) {
      if (value.isZero() || value.isNegative()) {
        throw new IllegalArgumentException(name + " must be positive but was " + value);
      }
    }

    private static void atLeast(String name, int value, int min) {
      if (value < min) {
        throw new IllegalArgumentException(name + " must be at least " + min + " but was " + value);
      }
    }
  }
}
