package dev.strata.health.active;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.strata.lb.Endpoint;
import dev.strata.lb.EndpointPool;
import dev.strata.lb.LoadBalancer;
import dev.strata.lb.Selectors;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three real HTTP servers behind a round-robin load balancer steered by the active checker: a
 * stopped server stops receiving requests within fall probes, and a restarted one gets them back
 * within rise probes.
 */
class ActiveCheckingSteersLoadBalancerTest {

  private static final Duration INTERVAL = Duration.ofMillis(150);
  private static final int RISE = 2;
  private static final int FALL = 2;

  /** One backend: a JDK HttpServer answering /health (probes) and /work (client requests). */
  private static final class Backend {
    final String id;
    final int port;
    final AtomicInteger probes = new AtomicInteger();
    final AtomicInteger work = new AtomicInteger();
    HttpServer server;
    ExecutorService executor;

    Backend(String id) throws IOException {
      this.id = id;
      start(0);
      this.port = server.getAddress().getPort();
    }

    void start(int port) throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
      server.createContext("/health", exchange -> respond(exchange, probes));
      server.createContext("/work", exchange -> respond(exchange, work));
      executor = Executors.newFixedThreadPool(2);
      server.setExecutor(executor);
      server.start();
    }

    void stop() {
      server.stop(0);
      executor.shutdownNow();
    }

    private static void respond(HttpExchange exchange, AtomicInteger counter) throws IOException {
      counter.incrementAndGet();
      byte[] body = "ok".getBytes();
      exchange.sendResponseHeaders(200, body.length);
      try (var out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private final List<Backend> backends = new ArrayList<>();
  private ActiveHealthChecker checker;

  @AfterEach
  void tearDown() {
    if (checker != null) {
      checker.close();
    }
    backends.forEach(Backend::stop);
  }

  /** Client traffic: counts per endpoint which requests it sent and which failed. */
  private static final class Client {
    final LoadBalancer lb;
    final HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    final Map<String, AtomicInteger> selected = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> failed = new ConcurrentHashMap<>();

    Client(LoadBalancer lb) {
      this.lb = lb;
    }

    void send(int requests) {
      for (int i = 0; i < requests; i++) {
        Endpoint e = lb.select();
        selected.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet();
        long start = System.nanoTime();
        boolean ok;
        try {
          HttpResponse<String> r =
              http.send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + e.address().getPort() + "/work"))
                      .timeout(Duration.ofSeconds(2))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          ok = r.statusCode() == 200;
        } catch (IOException ex) {
          ok = false;
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          return;
        }
        if (!ok) {
          failed.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet();
        }
        lb.complete(e, System.nanoTime() - start, ok);
      }
    }

    int selected(String id) {
      AtomicInteger c = selected.get(id);
      return c == null ? 0 : c.get();
    }

    int failures() {
      return failed.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    void reset() {
      selected.clear();
      failed.clear();
    }
  }

  @Test
  void stoppedServerLeavesTheRotationWithinFallProbesAndReturnsWithinRiseProbes() throws Exception {
    EndpointPool pool = EndpointPool.create();
    for (String id : List.of("s1", "s2", "s3")) {
      Backend b = new Backend(id);
      backends.add(b);
      pool.add(Endpoint.of(id, "127.0.0.1", b.port));
    }
    LoadBalancer lb = LoadBalancer.builder(pool).selector(Selectors.roundRobin()).build();
    checker =
        ActiveHealthChecker.builder(pool)
            .probe(EndpointProbe.http("/health"))
            .interval(INTERVAL)
            .timeout(Duration.ofSeconds(2))
            .rise(RISE)
            .fall(FALL)
            .seed(1)
            .build()
            .start();
    Backend s2 = backends.get(1);
    Client client = new Client(lb);

    // All three serve.
    await()
        .until(
            () ->
                checker.health().stream()
                    .allMatch(h -> h.up() && h.consecutiveSuccesses() >= RISE));
    client.send(90);
    assertThat(client.failures()).isZero();
    for (Backend b : backends) {
      assertThat(client.selected(b.id)).isEqualTo(30);
    }

    // Stop s2: it leaves the rotation after at most FALL failed probes (plus one already running).
    long probesBeforeStop = checker.health("s2").orElseThrow().probes();
    s2.stop();
    while (pool.isHealthy("s2")) {
      client.send(3); // traffic continues meanwhile; requests to s2 fail until it is marked down
    }
    long probesToDown = checker.health("s2").orElseThrow().probes() - probesBeforeStop;
    assertThat(probesToDown).isBetween((long) FALL, (long) FALL + 1);

    // From then on no request goes to s2 and none fails.
    client.reset();
    client.send(200);
    assertThat(client.selected("s2")).isZero();
    assertThat(client.failures()).isZero();
    assertThat(client.selected("s1")).isEqualTo(100);
    assertThat(client.selected("s3")).isEqualTo(100);

    // Restart s2 on the same port: back after RISE successful probes (plus one already running).
    long probesBeforeRestart = checker.health("s2").orElseThrow().probes();
    s2.work.set(0);
    await()
        .ignoreException(BindException.class)
        .until(
            () -> {
              s2.start(s2.port);
              return true;
            });
    await().until(() -> pool.isHealthy("s2"));
    long probesToUp = checker.health("s2").orElseThrow().probes() - probesBeforeRestart;
    assertThat(probesToUp).isBetween((long) RISE, (long) RISE + 1);
    client.reset();
    client.send(90);
    assertThat(client.failures()).isZero();
    assertThat(client.selected("s2")).isEqualTo(30);
    assertThat(s2.work.get()).isEqualTo(30);

    // Probe load depends on endpoints, not on traffic: each server saw exactly the checker's probes
    // (give or take the one in flight), however many requests the client sent.
    for (Backend b : backends) {
      if (b != s2) {
        long counted = checker.health(b.id).orElseThrow().probes();
        assertThat((long) b.probes.get()).isBetween(counted, counted + 1);
      }
    }
  }
}
