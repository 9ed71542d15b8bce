package dev.strata.demo;

import dev.strata.demo.front.FrontBalancer;
import dev.strata.demo.front.FrontEndpointView;
import dev.strata.demo.front.InstanceControl;
import dev.strata.demo.front.RequestRecord;
import dev.strata.testsupport.RedisServer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Everything the demo runs: Redis, the database, the service instances and the front balancer. It
 * is the front's {@link InstanceControl} (the status page's stop/kill/start buttons) and remembers
 * every process it started so that {@link #close()} leaves none behind. Thread-safe.
 */
final class DemoCluster implements InstanceControl, AutoCloseable {
  static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  static final int FALL = 2;
  static final Duration PROBE_INTERVAL = Duration.ofMillis(250);
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(4);

  private final PrintStream out;
  private final Path runDir;
  private final List<ProcessHandle> started = new CopyOnWriteArrayList<>();
  private final Queue<RequestRecord> records = new ConcurrentLinkedQueue<>();
  private final Map<String, ServiceInstance> instances = new LinkedHashMap<>();
  private final ExecutorService control =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "demo-instance-control");
            t.setDaemon(true);
            return t;
          });
  private final AtomicBoolean closed = new AtomicBoolean();
  private @Nullable RedisServer redis;
  private @Nullable DemoDatabase database;
  private @Nullable FrontBalancer front;

  DemoCluster(PrintStream out, Path runDir) {
    this.out = out;
    this.runDir = runDir;
  }

  /**
   * Starts Redis, the database, the instances (in parallel, waiting until all are ready) and the
   * front.
   *
   * @param instanceCount how many service instances
   * @param products how many products to seed
   * @throws IllegalStateException when anything fails to start (the caller must still close)
   */
  void start(int instanceCount, int products) {
    long t0 = System.nanoTime();
    RedisServer server = RedisServer.start();
    redis = server;
    redisPid(server).ifPresent(pid -> ProcessHandle.of(pid).ifPresent(started::add));
    out.printf(
        "  Redis      %s (%s)%n", server.uri().replaceAll("//[^@/]*@", "//***@"), server.kind());
    String pgUrl = System.getenv("STRATA_PG_URL");
    DemoDatabase db =
        DemoDatabase.start(
            products,
            pgUrl == null || pgUrl.isBlank() ? null : pgUrl.trim(),
            envOr("STRATA_PG_USER", "postgres"),
            envOr("STRATA_PG_PASSWORD", ""));
    database = db;
    out.printf("  database   %s, %d products seeded%n", db.kind(), products);
    List<String> args =
        List.of(
            "--strata.redis.url=" + server.uri(),
            "--spring.datasource.url=" + db.url(),
            "--spring.datasource.username=" + db.user(),
            "--spring.datasource.password=" + db.password(),
            "--strata.demo.parent-pid=" + ProcessHandle.current().pid(),
            "--strata.demo.drain-delay=1s");
    for (int i = 1; i <= instanceCount; i++) {
      String id = "app-" + i;
      instances.put(id, new ServiceInstance(id, freePort(), args, runDir, started::add));
    }
    for (ServiceInstance instance : instances.values()) {
      instance.start();
    }
    out.printf(
        "  starting   %d service JVMs (logs in %s)%n", instanceCount, runDir.toAbsolutePath());
    for (ServiceInstance instance : instances.values()) {
      try {
        instance.awaitReady(READY_TIMEOUT);
      } catch (ServiceInstance.ExitedBeforeReady e) {
        out.printf(
            "  %s exited before it was ready (log %s); starting it once more%n",
            instance.id(), instance.logFile().map(Path::toString).orElse("-"));
        instance.startAndAwaitReady(READY_TIMEOUT, out::println);
      }
      out.printf(
          "  ready      %s on port %d (pid %d) after %.1f s%n",
          instance.id(),
          instance.port(),
          instance.pid().orElse(-1L),
          (System.nanoTime() - t0) / 1e9);
    }
    FrontBalancer.Builder builder =
        FrontBalancer.builder()
            .port(0)
            .healthPath("/actuator/health/readiness")
            .probeInterval(PROBE_INTERVAL)
            // generous: while a JVM starts next to them, the other instances can be slow to
            // answer on 2 cores, and a probe slower than its timeout counts as a failure. A killed
            // instance refuses connections at once, so this does not delay its detection.
            .probeTimeout(PROBE_TIMEOUT)
            .fall(FALL)
            .rise(2)
            .slowStart(Duration.ofSeconds(3))
            .outlierEjection(3)
            .upstreamTimeout(Duration.ofSeconds(5))
            .maxAttempts(3)
            .instanceControl(this)
            .listener(records::add);
    for (ServiceInstance instance : instances.values()) {
      builder.endpoint(instance.id(), "127.0.0.1", instance.port());
    }
    FrontBalancer balancer = builder.build();
    front = balancer;
    balancer.start();
    out.printf(
        "  front      http://127.0.0.1:%d/ balancing %s%n", balancer.port(), instances.keySet());
  }

  FrontBalancer front() {
    FrontBalancer f = front;
    if (f == null) {
      throw new IllegalStateException("the front is not started");
    }
    return f;
  }

  List<ServiceInstance> instances() {
    return List.copyOf(instances.values());
  }

  ServiceInstance instance(String id) {
    ServiceInstance instance = instances.get(id);
    if (instance == null) {
      throw new IllegalArgumentException("no instance " + id + "; known: " + instances.keySet());
    }
    return instance;
  }

  /** Returns the front's records so far (live view, thread-safe). */
  Queue<RequestRecord> records() {
    return records;
  }

  /**
   * Returns every process started so far (Redis, every instance generation) and, once closed, the
   * descendants they had.
   */
  List<ProcessHandle> startedProcesses() {
    return List.copyOf(started);
  }

  Optional<FrontEndpointView> view(String id) {
    return front().endpoints().stream().filter(v -> v.id().equals(id)).findFirst();
  }

  /** Returns whether the front would select the endpoint: up, not ejected, not draining. */
  boolean selectable(String id) {
    return view(id).map(v -> v.up() && !v.ejected() && !v.draining()).orElse(false);
  }

  /**
   * Gracefully redeploys one instance: drain at the front, wait for its in-flight requests,
   * SIGTERM, wait for the exit, start again, wait until ready and up at the front, undrain.
   *
   * @param id the instance
   * @param beforeStop run once the instance is drained, just before SIGTERM
   * @param log told each step
   */
  void redeploy(String id, Runnable beforeStop, java.util.function.Consumer<String> log) {
    ServiceInstance instance = instance(id);
    FrontBalancer f = front();
    f.drain(id);
    log.accept("drained at the front");
    Awaits.until(
        () -> f.inFlight(id) == 0, Duration.ofSeconds(10), id + " in-flight requests to finish");
    beforeStop.run();
    int exit = instance.stop(STOP_TIMEOUT);
    log.accept("SIGTERM, exited with " + exit);
    instance.startAndAwaitReady(READY_TIMEOUT, log);
    log.accept("started again and ready");
    f.undrain(id);
    Awaits.until(() -> selectable(id), Duration.ofSeconds(10), id + " to be up at the front");
    log.accept("undrained, passed the front's health checks: back in selection (slow start)");
  }

  @Override
  public void stop(String id) {
    ServiceInstance instance = instance(id);
    control.execute(
        () -> {
          FrontBalancer f = front();
          try {
            f.drain(id);
            Awaits.until(() -> f.inFlight(id) == 0, Duration.ofSeconds(10), id + " drained");
            int exit = instance.stop(STOP_TIMEOUT);
            out.printf("[control] %s stopped gracefully (exit %d)%n", id, exit);
          } catch (RuntimeException e) {
            out.printf("[control] stopping %s failed: %s%n", id, e.getMessage());
          } finally {
            f.undrain(id);
          }
        });
  }

  @Override
  public void kill(String id) {
    ServiceInstance instance = instance(id);
    control.execute(
        () -> {
          instance.kill();
          out.printf("[control] %s killed with SIGKILL%n", id);
        });
  }

  @Override
  public void start(String id) {
    ServiceInstance instance = instance(id);
    control.execute(
        () -> {
          try {
            if (instance.isAlive()) {
              out.printf("[control] %s is already running%n", id);
              return;
            }
            instance.startAndAwaitReady(READY_TIMEOUT, out::println);
            out.printf("[control] %s started and ready%n", id);
          } catch (RuntimeException e) {
            out.printf("[control] starting %s failed: %s%n", id, e.getMessage());
          }
        });
  }

  /** Stops the front, every instance, Redis and the database; safe to call more than once. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    control.shutdownNow();
    FrontBalancer f = front;
    if (f != null) {
      try {
        f.close();
      } catch (RuntimeException e) {
        out.println("closing the front failed: " + e);
      }
    }
    List<ProcessHandle> all = new ArrayList<>();
    for (ProcessHandle handle : List.copyOf(started)) {
      handle.descendants().forEach(all::add);
      all.add(handle);
    }
    for (ProcessHandle handle : all) {
      if (!started.contains(handle)) {
        started.add(handle); // a descendant: reported too, so a caller can check it is gone
      }
    }
    for (ProcessHandle handle : all) {
      handle.destroy();
    }
    for (ProcessHandle handle : all) {
      try {
        handle.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        handle.destroyForcibly();
      }
    }
    RedisServer r = redis;
    if (r != null) {
      r.close();
    }
    DemoDatabase db = database;
    if (db != null) {
      db.close();
    }
  }

  private static Optional<Long> redisPid(RedisServer server) {
    if (server.isExternal()) {
      return Optional.empty();
    }
    try {
      Object info = server.command("INFO", "server");
      if (info instanceof String text) {
        for (String line : text.split("\r?\n")) {
          if (line.startsWith("process_id:")) {
            return Optional.of(Long.parseLong(line.substring("process_id:".length()).trim()));
          }
        }
      }
    } catch (RuntimeException e) {
      // the pid only serves the leftover check
    }
    return Optional.empty();
  }

  private static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null ? fallback : value;
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }
}
