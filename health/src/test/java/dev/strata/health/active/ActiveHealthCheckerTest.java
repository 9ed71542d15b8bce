package dev.strata.health.active;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.strata.health.CheckResult;
import dev.strata.lb.Endpoint;
import dev.strata.lb.EndpointPool;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ActiveHealthCheckerTest {

  private final List<ActiveHealthChecker> checkers = new ArrayList<>();

  @AfterEach
  void closeCheckers() {
    checkers.forEach(ActiveHealthChecker::close);
  }

  private ActiveHealthChecker start(ActiveHealthChecker.Builder builder) {
    ActiveHealthChecker c = builder.seed(42).build();
    checkers.add(c);
    return c.start();
  }

  /** A probe whose answers the test scripts: true = success, false = failure, per endpoint. */
  private static final class ScriptedProbe implements EndpointProbe {
    final Map<String, ConcurrentLinkedQueue<Boolean>> script = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    final AtomicInteger maxInFlight = new AtomicInteger();
    volatile boolean defaultAnswer = true;

    void then(String id, Boolean... answers) {
      script.computeIfAbsent(id, k -> new ConcurrentLinkedQueue<>()).addAll(List.of(answers));
    }

    int calls(String id) {
      AtomicInteger c = calls.get(id);
      return c == null ? 0 : c.get();
    }

    @Override
    public CompletableFuture<CheckResult> probe(Endpoint endpoint, Duration timeout) {
      calls.computeIfAbsent(endpoint.id(), k -> new AtomicInteger()).incrementAndGet();
      AtomicInteger running = inFlight.computeIfAbsent(endpoint.id(), k -> new AtomicInteger());
      maxInFlight.accumulateAndGet(running.incrementAndGet(), Math::max);
      Boolean answer = script.getOrDefault(endpoint.id(), new ConcurrentLinkedQueue<>()).poll();
      boolean ok = answer == null ? defaultAnswer : answer;
      // Complete on another thread, a little later, like real I/O.
      return CompletableFuture.supplyAsync(
          () -> {
            running.decrementAndGet();
            return ok ? CheckResult.up() : CheckResult.down("scripted failure");
          },
          CompletableFuture.delayedExecutor(5, java.util.concurrent.TimeUnit.MILLISECONDS));
    }
  }

  @Test
  void transitionsHappenExactlyAtTheThresholds() {
    EndpointPool pool = EndpointPool.of(Endpoint.of("a", "10.0.0.1", 80));
    List<String> transitions = new java.util.concurrent.CopyOnWriteArrayList<>();
    ActiveHealthChecker[] holder = new ActiveHealthChecker[1];
    pool.addListener(
        new dev.strata.lb.PoolListener() {
          @Override
          public void healthChanged(Endpoint endpoint, boolean healthy) {
            transitions.add(
                (healthy ? "up" : "down") + "@" + holder[0].health("a").orElseThrow().probes());
          }
        });
    ScriptedProbe probe = new ScriptedProbe();
    probe.then("a", false, false, true, false, false, false, true, false, true, true);
    holder[0] =
        ActiveHealthChecker.builder(pool)
            .probe(probe)
            .interval(Duration.ofMillis(10))
            .rise(2)
            .fall(3)
            .seed(7)
            .build();
    checkers.add(holder[0]);
    holder[0].start();
    await().until(() -> holder[0].health("a").orElseThrow().probes() >= 10);
    // Down on the 6th probe (third failure in a row), up on the 10th (second success in a row).
    assertThat(transitions).containsExactly("down@6", "up@10");
  }

  @Test
  void neverProbesOneEndpointTwiceAtOnceEvenWhenAProbeHangs() {
    EndpointPool pool =
        EndpointPool.of(Endpoint.of("a", "10.0.0.1", 80), Endpoint.of("b", "10.0.0.2", 80));
    CompletableFuture<CheckResult> hanging = new CompletableFuture<>();
    AtomicInteger aStarted = new AtomicInteger();
    AtomicInteger bStarted = new AtomicInteger();
    EndpointProbe probe =
        (endpoint, timeout) -> {
          if (endpoint.id().equals("a")) {
            aStarted.incrementAndGet();
            return hanging; // ignores its timeout
          }
          bStarted.incrementAndGet();
          return CompletableFuture.completedFuture(CheckResult.up());
        };
    ActiveHealthChecker checker =
        start(
            ActiveHealthChecker.builder(pool)
                .probe(probe)
                .interval(Duration.ofMillis(20))
                .timeout(Duration.ofMillis(20))
                .fall(3));
    await().until(() -> !pool.isHealthy("a"));
    assertThat(aStarted).hasValue(1);
    assertThat(checker.health("a").orElseThrow().lastError())
        .isEqualTo("previous probe has not finished");
    assertThat(pool.isHealthy("b")).isTrue();
    assertThat(bStarted.get()).isGreaterThanOrEqualTo(3);

    hanging.complete(CheckResult.up());
    await().until(() -> pool.isHealthy("a"));
    assertThat(aStarted.get()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void scriptedProbesNeverOverlapPerEndpoint() {
    EndpointPool pool = EndpointPool.create();
    for (int i = 0; i < 20; i++) {
      pool.add(Endpoint.of("e" + i, "10.0.0." + i, 80));
    }
    ScriptedProbe probe = new ScriptedProbe();
    start(ActiveHealthChecker.builder(pool).probe(probe).interval(Duration.ofMillis(5)));
    await().until(() -> probe.calls("e19") >= 20 && probe.calls("e0") >= 20);
    assertThat(probe.maxInFlight).hasValue(1);
  }

  @Test
  void followsMembershipChanges() {
    EndpointPool pool = EndpointPool.of(Endpoint.of("a", "10.0.0.1", 80));
    ScriptedProbe probe = new ScriptedProbe();
    probe.defaultAnswer = false;
    ActiveHealthChecker checker =
        start(
            ActiveHealthChecker.builder(pool).probe(probe).interval(Duration.ofMillis(10)).fall(1));
    await().until(() -> !pool.isHealthy("a"));

    pool.add(Endpoint.of("b", "10.0.0.2", 80));
    assertThat(pool.isHealthy("b")).isTrue();
    await().until(() -> !pool.isHealthy("b"));

    pool.remove("a");
    assertThat(checker.health("a")).isEmpty();
    int callsAtRemoval = probe.calls("a");
    int bAtRemoval = probe.calls("b");
    await().until(() -> probe.calls("b") >= bAtRemoval + 5);
    // at most the probe that was already running when it left
    assertThat(probe.calls("a")).isLessThanOrEqualTo(callsAtRemoval + 1);
    assertThat(checker.health()).extracting(EndpointHealth::endpointId).containsExactly("b");
  }

  @Test
  void closeStopsProbing() {
    EndpointPool pool = EndpointPool.of(Endpoint.of("a", "10.0.0.1", 80));
    EndpointPool clockPool = EndpointPool.of(Endpoint.of("clock", "10.0.0.9", 80));
    ScriptedProbe probe = new ScriptedProbe();
    ActiveHealthChecker checker =
        start(ActiveHealthChecker.builder(pool).probe(probe).interval(Duration.ofMillis(10)));
    start(ActiveHealthChecker.builder(clockPool).probe(probe).interval(Duration.ofMillis(10)));
    await().until(() -> probe.calls("a") >= 3);
    checker.close();
    checker.close();
    int atClose = probe.calls("a");
    int clockAtClose = probe.calls("clock");
    await().until(() -> probe.calls("clock") >= clockAtClose + 5);
    assertThat(probe.calls("a")).isLessThanOrEqualTo(atClose + 1);
    pool.add(Endpoint.of("late", "10.0.0.3", 80));
    await().until(() -> probe.calls("clock") >= clockAtClose + 8);
    assertThat(probe.calls("late")).isZero();
    assertThatThrownBy(checker::start).hasMessage("active health checker is closed");
  }

  @Test
  void allCheckersShareOneProberThread() {
    ScriptedProbe probe = new ScriptedProbe();
    for (int i = 0; i < 3; i++) {
      EndpointPool pool = EndpointPool.create();
      for (int j = 0; j < 10; j++) {
        pool.add(Endpoint.of("p" + i + "e" + j, "10.0." + i + "." + j, 80));
      }
      start(ActiveHealthChecker.builder(pool).probe(probe).interval(Duration.ofMillis(10)));
    }
    await().until(() -> probe.calls("p2e9") >= 3 && probe.calls("p0e0") >= 3);
    long proberThreads =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith("strata-health-prober"))
            .count();
    assertThat(proberThreads).isEqualTo(1);
  }

  @Test
  void tcpProbeMarksAClosedPortDownAndAnOpenOneUp() throws Exception {
    try (ServerSocket open = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int closedPort;
      try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
        closedPort = s.getLocalPort();
      }
      EndpointPool pool =
          EndpointPool.of(
              Endpoint.of("open", "127.0.0.1", open.getLocalPort()),
              Endpoint.of("closed", "127.0.0.1", closedPort));
      ActiveHealthChecker checker =
          start(
              ActiveHealthChecker.builder(pool)
                  .probe(EndpointProbe.tcp())
                  .interval(Duration.ofMillis(20))
                  .fall(2));
      await().until(() -> !pool.isHealthy("closed"));
      assertThat(checker.health("closed").orElseThrow().lastError())
          .startsWith("cannot connect to 127.0.0.1:" + closedPort);
      await().until(() -> checker.health("open").orElseThrow().probes() >= 3);
      assertThat(pool.isHealthy("open")).isTrue();
    }
  }

  @Test
  void settingsAreValidated() {
    EndpointPool pool = EndpointPool.create();
    assertThatThrownBy(() -> ActiveHealthChecker.builder(pool).interval(Duration.ZERO).build())
        .hasMessage("interval must be positive but was PT0S");
    assertThatThrownBy(
            () -> ActiveHealthChecker.builder(pool).timeout(Duration.ofMillis(-1)).build())
        .hasMessage("timeout must be positive but was PT-0.001S");
    assertThatThrownBy(() -> ActiveHealthChecker.builder(pool).rise(0).build())
        .hasMessage("rise must be positive but was 0");
    assertThatThrownBy(() -> ActiveHealthChecker.builder(pool).fall(-2).build())
        .hasMessage("fall must be positive but was -2");
    assertThatThrownBy(() -> ActiveHealthChecker.builder(pool).jitter(0.9).build())
        .hasMessage("jitter must be between 0 and 0.5 but was 0.9");
    assertThatThrownBy(() -> EndpointProbe.http("health"))
        .hasMessage("path must start with '/' but was 'health'");
    assertThatThrownBy(() -> EndpointProbe.http("/health", 400, 200))
        .hasMessage("expected status must be a range within 100-599 but was 400-200");
  }
}
