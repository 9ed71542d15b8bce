package dev.strata.demo.front;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * A backend for the front's tests: a JDK HttpServer on a loopback port that survives restarts.
 *
 * <ul>
 *   <li>{@code GET /ready}: 200 while {@link #ready} is set, else 503
 *   <li>{@code /hello}: 200 with the backend's name ({@link #failStatus} while {@link #failing} is
 *       set)
 *   <li>{@code /slow}: like {@code /hello}, but the first request after {@link SlowGate#arm()}
 *       waits for {@link SlowGate#release()}
 *   <li>{@code /echo}: the method and the request body's length; {@code /cookie}: the Cookie field
 *       received, two Set-Cookie fields; {@code /headers}: the received header fields
 * </ul>
 *
 * Every response carries {@code X-Backend: <name>}.
 */
final class TestBackend implements AutoCloseable {

  static {
    // like Tomcat, answer without waiting for delayed ACKs (read once per JVM, see FrontBalancer)
    System.setProperty(FrontBalancer.NODELAY_PROPERTY, "true");
  }

  /** A gate shared by backends: the first {@code /slow} request after arming waits on it. */
  static final class SlowGate {
    private final AtomicBoolean armed = new AtomicBoolean();
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private final AtomicReference<@Nullable String> holder = new AtomicReference<>();

    void arm() {
      armed.set(true);
    }

    /** Waits until a backend holds a request and returns that backend's name. */
    String awaitHolder() throws InterruptedException {
      if (!entered.await(30, TimeUnit.SECONDS)) {
        throw new AssertionError("no /slow request arrived");
      }
      return holder.get();
    }

    void release() {
      released.countDown();
    }

    void pass(String name) {
      if (armed.compareAndSet(true, false)) {
        holder.set(name);
        entered.countDown();
        try {
          released.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  final String name;
  final AtomicBoolean ready = new AtomicBoolean(true);
  final AtomicBoolean failing = new AtomicBoolean();
  final AtomicInteger failStatus = new AtomicInteger(500);
  final AtomicInteger hits = new AtomicInteger();
  private final SlowGate gate;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final int port;
  private volatile HttpServer server;

  TestBackend(String name, SlowGate gate) {
    this.name = name;
    this.gate = gate;
    this.server = bind(0);
    this.port = server.getAddress().getPort();
  }

  int port() {
    return port;
  }

  /** Stops abruptly: the port is closed and open connections are cut. */
  void stop() {
    server.stop(0);
  }

  /** Starts again on the same port. */
  void restart() {
    server = bind(port);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private HttpServer bind(int onPort) {
    try {
      HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", onPort), 64);
      http.setExecutor(executor);
      http.createContext("/", this::handle);
      http.start();
      return http;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().getPath();
      exchange.getResponseHeaders().add("X-Backend", name);
      if (path.equals("/ready")) {
        send(exchange, ready.get() ? 200 : 503, "ready=" + ready.get());
        return;
      }
      hits.incrementAndGet();
      if (failing.get()) {
        send(exchange, failStatus.get(), "failing");
        return;
      }
      switch (path) {
        case "/slow" -> {
          gate.pass(name);
          send(exchange, 200, name);
        }
        case "/echo" -> send(exchange, 200, exchange.getRequestMethod() + " " + body.length);
        case "/cookie" -> {
          exchange.getResponseHeaders().add("Set-Cookie", "a=1; Path=/");
          exchange.getResponseHeaders().add("Set-Cookie", "b=2; Path=/; HttpOnly");
          List<String> cookies = exchange.getRequestHeaders().get("Cookie");
          send(exchange, 200, cookies == null ? "" : String.join("|", cookies));
        }
        case "/headers" -> {
          StringBuilder text = new StringBuilder();
          text.append("query=").append(exchange.getRequestURI().getRawQuery()).append('\n');
          exchange
              .getRequestHeaders()
              .forEach((k, v) -> text.append(k.toLowerCase()).append('=').append(v).append('\n'));
          send(exchange, 200, text.toString());
        }
        default -> send(exchange, 200, name);
      }
    }
  }

  private static void send(HttpExchange exchange, int status, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
