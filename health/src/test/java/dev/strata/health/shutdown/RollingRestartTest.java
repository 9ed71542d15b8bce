package dev.strata.health.shutdown;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.strata.health.CheckResult;
import dev.strata.health.HealthCheckRegistration;
import dev.strata.health.HealthEndpoint;
import dev.strata.health.HealthGroup;
import dev.strata.health.HealthRegistry;
import dev.strata.health.active.ActiveHealthChecker;
import dev.strata.health.active.EndpointProbe;
import dev.strata.lb.Endpoint;
import dev.strata.lb.EndpointPool;
import dev.strata.lb.LoadBalancer;
import dev.strata.lb.Selectors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Three real HTTP servers behind a {@link LoadBalancer} whose {@link ActiveHealthChecker} probes
 * their readiness, under continuous load from four client threads: restarted one at a time through
 * a {@link ShutdownCoordinator}, not one request fails; stopped abruptly, requests fail.
 */
class RollingRestartTest {

  private static final int SERVERS = 3;
  private static final int CLIENTS = 4;

  /** One application process: an app server, its health endpoint and its shutdown coordinator. */
  private static final class Instance {
    final HttpServer app;
    final ExecutorService appThreads = Executors.newFixedThreadPool(8);
    final HealthRegistry registry =
        HealthRegistry.builder().defaultMinInterval(Duration.ZERO).build();
    final HealthEndpoint health;
    final InFlightRequests inFlight = new InFlightRequests();
    final AtomicInteger served = new AtomicInteger();
    final ShutdownCoordinator shutdown;
    final int appPort;
    final int healthPort;

    Instance(int appPort, int healthPort) throws IOException {
      app =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), appPort), 100);
      app.setExecutor(appThreads);
      app.createContext(
          "/work",
          exchange -> {
            inFlight.begin();
            try {
              TimeUnit.MILLISECONDS.sleep(2); // the request's work
              byte[] body = "done".getBytes(StandardCharsets.UTF_8);
              exchange.sendResponseHeaders(200, body.length);
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
              }
              served.incrementAndGet();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            } finally {
              exchange.close();
              inFlight.end();
            }
          });
      app.start();
      registry.register(
          HealthCheckRegistration.builder("ping", CheckResult::up)
              .groups(HealthGroup.LIVENESS, HealthGroup.READINESS)
              .build());
      health = HealthEndpoint.builder(registry).port(healthPort).build().start();
      this.appPort = app.getAddress().getPort();
      this.healthPort = health.port();
      shutdown =
          ShutdownCoordinator.builder(registry)
              // longer than the checker needs to notice: interval x fall + probe timeout
              .drainPeriod(Duration.ofSeconds(3))
              .inFlightTimeout(Duration.ofSeconds(10))
              .inFlight(inFlight)
              .stopAction("app server", () -> app.stop(1))
              .stopAction("app threads", appThreads::shutdown)
              .stopAction("health endpoint", health::close)
              .stopAction("registry", registry::close)
              .build();
    }

    int appPort() {
      return appPort;
    }

    void kill() {
      app.stop(0);
      appThreads.shutdownNow();
      health.close();
      registry.close();
    }
  }

  private final Instance[] instances = new Instance[SERVERS];
  private final Map<String, Integer> healthPorts = new ConcurrentHashMap<>();
  private final EndpointPool pool = EndpointPool.create();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicInteger succeeded = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private final List<Thread> clients = new ArrayList<>();
  private ActiveHealthChecker checker;
  private LoadBalancer lb;

  @AfterEach
  void tearDown() throws InterruptedException {
    running.set(false);
    for (Thread t : clients) {
      t.join(10_000);
    }
    if (checker != null) {
      checker.close();
    }
    for (Instance i : instances) {
      if (i != null) {
        i.kill();
      }
    }
  }

  private void startCluster() throws IOException {
    for (int i = 0; i < SERVERS; i++) {
      instances[i] = new Instance(0, 0);
      healthPorts.put("s" + i, instances[i].healthPort);
      pool.add(Endpoint.builder("s" + i, "127.0.0.1", instances[i].appPort()).build());
    }
    EndpointProbe ready = EndpointProbe.http("/health/ready");
    checker =
        ActiveHealthChecker.builder(pool)
            .probe(
                (endpoint, timeout) ->
                    ready.probe(
                        Endpoint.builder(endpoint.id(), "127.0.0.1", healthPorts.get(endpoint.id()))
                            .build(),
                        timeout))
            .interval(Duration.ofMillis(50))
            .timeout(Duration.ofMillis(2000))
            .rise(1)
            .fall(2)
            .build()
            .start();
    lb = LoadBalancer.builder(pool).selector(Selectors.leastConnections()).build();
    for (int c = 0; c < CLIENTS; c++) {
      Thread t = new Thread(this::clientLoop, "client-" + c);
      t.start();
      clients.add(t);
    }
    await().until(() -> succeeded.get() > 100);
  }

  private void clientLoop() {
    while (running.get()) {
      Endpoint endpoint;
      try {
        endpoint = lb.select();
      } catch (RuntimeException e) {
        failures.add(e.toString());
        failed.incrementAndGet();
        continue;
      }
      long start = System.nanoTime();
      boolean ok = false;
      try {
        String response = get(endpoint.address().getPort());
        ok = response.startsWith("HTTP/1.1 200 ");
        if (!ok) {
          failures.add(endpoint.id() + ": " + response.lines().findFirst().orElse("(empty)"));
        }
      } catch (IOException e) {
        failures.add(endpoint.id() + ": " + e);
      }
      (ok ? succeeded : failed).incrementAndGet();
      lb.complete(endpoint, System.nanoTime() - start, ok);
    }
  }

  /** One request on a fresh connection, as a client behind a layer-4 balancer makes it. */
  private static String get(int port) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream()
          .write(
              "GET /work HTTP/1.1\r\nHost: app\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      s.getInputStream().transferTo(response);
      return response.toString(StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void restartingEachServerThroughTheCoordinatorFailsNoRequest() throws Exception {
    startCluster();
    for (int i = 0; i < SERVERS; i++) {
      String id = "s" + i;
      Instance old = instances[i];
      assertThat(old.shutdown.shutdown()).as("in-flight requests drained").isTrue();
      assertThat(pool.isHealthy(id)).as("the checker saw readiness go DOWN").isFalse();
      int before = succeeded.get();
      instances[i] = await().ignoreExceptions().until(() -> restart(old), inst -> true);
      Instance fresh = instances[i];
      await().atMost(Duration.ofSeconds(30)).until(() -> pool.isHealthy(id));
      await().atMost(Duration.ofSeconds(30)).until(() -> fresh.served.get() > 10);
      await().atMost(Duration.ofSeconds(30)).until(() -> succeeded.get() > before + 100);
    }
    running.set(false);
    for (Thread t : clients) {
      t.join(10_000);
    }
    LoggerFactory.getLogger(RollingRestartTest.class)
        .info("rolling restart: {} requests succeeded, {} failed", succeeded, failed);
    assertThat(failures).isEmpty();
    assertThat(failed).hasValue(0);
    assertThat(succeeded.get()).isGreaterThan(300);
  }

  @Test
  void stoppingAServerAbruptlyFailsRequests() throws Exception {
    startCluster();
    instances[0].kill();
    await().until(() -> failed.get() > 0);
    assertThat(failures).isNotEmpty();
  }

  private static Instance restart(Instance old) throws IOException {
    return new Instance(old.appPort, old.healthPort);
  }
}
