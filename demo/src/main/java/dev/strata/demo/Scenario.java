package dev.strata.demo;

import dev.strata.demo.front.RequestRecord;
import dev.strata.demo.report.DemoSummary;
import dev.strata.demo.report.InvalidationCheck;
import dev.strata.demo.report.KillCheck;
import dev.strata.demo.report.Marker;
import dev.strata.demo.report.PhaseRow;
import dev.strata.demo.report.RequestSample;
import dev.strata.demo.report.Timeline;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The scenario run through the front: users log in and shop while one instance is killed and
 * restarted, a price update crosses the instances, and every instance is redeployed in turn. Prints
 * each step and returns the measured summary. Not thread-safe: run once.
 */
final class Scenario {
  /**
   * How long and how hard the scenario runs.
   *
   * @param deploySteps how many instances the rolling deploy restarts, in order (the quick scenario
   *     restarts one, since each costs a JVM start-up)
   */
  record Settings(
      String name,
      int users,
      int workers,
      double requestsPerSecond,
      Duration spread,
      Duration down,
      Duration afterRestart,
      int deploySteps) {

    static Settings full(int users) {
      return new Settings(
          "full",
          users,
          4,
          150,
          Duration.ofSeconds(8),
          Duration.ofSeconds(4),
          Duration.ofSeconds(4),
          3);
    }

    static Settings quick(int users) {
      return new Settings(
          "quick",
          users,
          4,
          100,
          Duration.ofSeconds(4),
          Duration.ofSeconds(2),
          Duration.ofSeconds(2),
          1);
    }
  }

  /** The summary plus the raw facts the CI test checks. */
  record Result(
      DemoSummary summary,
      List<RequestRecord> records,
      String killed,
      long killedAtEpochMillis,
      long markedDownAtEpochMillis,
      long restartedAtEpochMillis) {}

  static final String VICTIM = "app-2";
  static final long INVALIDATION_BOUND_MILLIS = 2000;
  private static final int RESERVED_PRODUCTS = 10;

  private record Phase(
      String name, long start, long end, StatsLedger.Counters before, StatsLedger.Counters after) {}

  private final DemoCluster cluster;
  private final PrintStream out;
  private final Settings settings;
  private final int products;
  private final DemoHttp http = new DemoHttp();
  private final LoadStats stats = new LoadStats();
  private final StatsLedger ledger = new StatsLedger(http);
  private final List<Marker> markers = new ArrayList<>();
  private final List<Phase> phases = new ArrayList<>();
  private final List<InvalidationCheck> invalidation = new ArrayList<>();
  private long t0;
  private String phaseName = "";
  private long phaseStart;
  private StatsLedger.Counters phaseBefore = new StatsLedger.Counters(0, 0, 0);

  Scenario(DemoCluster cluster, PrintStream out, Settings settings, int products) {
    this.cluster = cluster;
    this.out = out;
    this.settings = settings;
    this.products = products;
  }

  /**
   * Runs every step.
   *
   * @param commandStartNanos when the command started, for the wall time
   * @return what was measured
   * @throws IllegalStateException when a step cannot complete (an instance does not start...)
   */
  Result run(long commandStartNanos) {
    String front = "http://127.0.0.1:" + cluster.front().port();
    t0 = System.currentTimeMillis();
    List<SimulatedUser> users = new ArrayList<>();
    for (int i = 1; i <= settings.users(); i++) {
      users.add(
          new SimulatedUser(
              String.format(Locale.ROOT, "user-%02d", i),
              front,
              http,
              stats,
              products - RESERVED_PRODUCTS,
              i % 4 == 0,
              i));
    }
    beginPhase("log in");
    step("%d users log in through the front %s", users.size(), front);
    users.forEach(SimulatedUser::login);
    endPhase();

    UserLoad load = new UserLoad(users, settings.workers(), settings.requestsPerSecond());
    load.start();
    long killedAt;
    long markedDownAt;
    long restartedAt;
    try {
      beginPhase("spread + warm-up");
      step(
          "%d users browse, fill carts and update prices (%d worker threads, ~%.0f requests/s)",
          users.size(), settings.workers(), settings.requestsPerSecond());
      long spreadEnd = System.currentTimeMillis() + settings.spread().toMillis();
      while (System.currentTimeMillis() < spreadEnd) {
        ServiceInstance.pause(
            Duration.ofMillis(Math.min(2000, Math.max(1, spreadEnd - System.currentTimeMillis()))));
        progress();
      }
      endPhase();

      beginPhase("SIGKILL " + VICTIM);
      ServiceInstance victim = cluster.instance(VICTIM);
      killedAt = System.currentTimeMillis();
      mark(killedAt, "kill", "SIGKILL " + VICTIM);
      step("SIGKILL %s (pid %d) under load", VICTIM, victim.pid().orElse(-1L));
      victim.kill();
      Awaits.until(
          () -> cluster.view(VICTIM).map(v -> !v.up() || v.ejected()).orElse(true),
          Duration.ofSeconds(10),
          "the front to take " + VICTIM + " out of selection");
      markedDownAt = System.currentTimeMillis();
      mark(markedDownAt, "down", VICTIM + " out of selection at the front");
      step(
          "the front took %s out of selection %d ms after the kill (fall %d x probe 250 ms, or outlier"
              + " ejection)",
          VICTIM, markedDownAt - killedAt, DemoCluster.FALL);
      ServiceInstance.pause(settings.down());
      endPhase();

      beginPhase("restart " + VICTIM);
      restartedAt = System.currentTimeMillis();
      mark(restartedAt, "restart", "restart " + VICTIM);
      step("restarting %s", VICTIM);
      victim.startAndAwaitReady(DemoCluster.READY_TIMEOUT, out::println);
      Awaits.until(
          () -> cluster.selectable(VICTIM), Duration.ofSeconds(10), VICTIM + " up at the front");
      long upAt = System.currentTimeMillis();
      mark(upAt, "restart", VICTIM + " ready and back in selection (slow start)");
      step(
          "%s ready after %.1f s, back in selection: slow start ramps its share up",
          VICTIM, (upAt - restartedAt) / 1000.0);
      Awaits.until(
          () ->
              count(r -> r.startEpochMillis() >= restartedAt && VICTIM.equals(r.endpointId())) > 0,
          Duration.ofSeconds(15),
          "traffic to return to " + VICTIM);
      ServiceInstance.pause(settings.afterRestart());
      step(
          "%s answered %d requests since its restart",
          VICTIM, count(r -> r.startEpochMillis() >= restartedAt && VICTIM.equals(r.endpointId())));
      endPhase();

      beginPhase("cross-node price update");
      checkInvalidation();
      endPhase();

      beginPhase("rolling deploy");
      List<ServiceInstance> all = cluster.instances();
      for (int i = 0; i < Math.min(settings.deploySteps(), all.size()); i++) {
        String id = all.get(i).id();
        step("rolling deploy: %s", id);
        cluster.redeploy(
            id,
            () -> ledger.snapshot(cluster.instances()),
            message -> {
              mark(System.currentTimeMillis(), "deploy", id + ": " + message);
              step("  %s: %s", id, message);
            });
      }
      endPhase();
    } finally {
      load.stop();
    }

    beginPhase("final check");
    step("load stopped; every user checks /api/me and its cart");
    long lost = 0;
    for (SimulatedUser user : users) {
      user.checkMe();
      lost += user.lostCartItems();
    }
    endPhase();
    return new Result(
        summarize(users, lost, killedAt, markedDownAt, restartedAt, commandStartNanos),
        List.copyOf(cluster.records()),
        VICTIM,
        killedAt,
        markedDownAt,
        restartedAt);
  }

  private void checkInvalidation() {
    List<ServiceInstance> all = cluster.instances();
    for (int w = 0; w < all.size(); w++) {
      ServiceInstance writer = all.get(w);
      long productId = products - w;
      for (ServiceInstance reader : all) {
        readPrice(reader, productId); // cache it everywhere first
      }
      long price = 20_000 + w * 100L + (System.currentTimeMillis() % 97);
      long ackAt;
      try {
        DemoHttp.Reply reply =
            http.send(
                "PUT",
                writer.baseUrl() + "/api/products/" + productId + "/price",
                Map.of("priceCents", price),
                null);
        if (reply.status() != 200) {
          throw new IllegalStateException(
              "price update on " + writer.id() + " answered " + reply.status());
        }
        ackAt = System.nanoTime();
      } catch (java.io.IOException e) {
        throw new IllegalStateException(
            "price update on " + writer.id() + " failed: " + e.getMessage(), e);
      }
      Map<String, Long> seen = new LinkedHashMap<>();
      long deadline = ackAt + INVALIDATION_BOUND_MILLIS * 1_000_000;
      while (seen.size() < all.size() - 1 && System.nanoTime() < deadline) {
        for (ServiceInstance reader : all) {
          if (reader != writer
              && !seen.containsKey(reader.id())
              && readPrice(reader, productId) == price) {
            seen.put(reader.id(), (System.nanoTime() - ackAt) / 1_000_000);
          }
        }
      }
      for (ServiceInstance reader : all) {
        if (reader != writer) {
          long delay = seen.getOrDefault(reader.id(), -1L);
          invalidation.add(new InvalidationCheck(productId, writer.id(), reader.id(), delay));
        }
      }
      step(
          "price of product %d set to %d through %s; read directly on the others: %s",
          productId, price, writer.id(), describe(seen, all.size() - 1));
    }
  }

  private String describe(Map<String, Long> seen, int expected) {
    StringBuilder text = new StringBuilder();
    seen.forEach((id, ms) -> text.append(id).append(" after ").append(ms).append(" ms, "));
    if (seen.size() < expected) {
      text.append("NOT SEEN within ")
          .append(INVALIDATION_BOUND_MILLIS)
          .append(" ms on ")
          .append(expected - seen.size());
    } else if (text.length() > 2) {
      text.setLength(text.length() - 2);
    }
    return text.toString();
  }

  private long readPrice(ServiceInstance instance, long productId) {
    try {
      DemoHttp.Reply reply =
          http.send("GET", instance.baseUrl() + "/api/products/" + productId, null, null);
      if (reply.status() == 200 && reply.json() != null) {
        stats.productRead();
        return reply.json().path("priceCents").asLong(-1);
      }
    } catch (java.io.IOException e) {
      // counted as not seen yet
    }
    return -1;
  }

  private void progress() {
    long from = phaseStart;
    Map<String, Long> perInstance = perInstance(from, System.currentTimeMillis());
    StatsLedger.Counters now = ledger.snapshot(cluster.instances());
    step(
        "  requests per instance so far %s, hit ratio this phase %s",
        perInstance, percent(now.minus(phaseBefore).hitRatio()));
  }

  private void beginPhase(String name) {
    phaseName = name;
    phaseStart = System.currentTimeMillis();
    phaseBefore = ledger.snapshot(cluster.instances());
    mark(phaseStart, "phase", name);
  }

  private void endPhase() {
    long end = System.currentTimeMillis();
    StatsLedger.Counters after = ledger.snapshot(cluster.instances());
    phases.add(new Phase(phaseName, phaseStart, end, phaseBefore, after));
    step(
        "%s done: requests per instance %s, failed %d, hit ratio %s",
        phaseName,
        perInstance(phaseStart, end),
        stats.failuresBetween(phaseStart, end),
        percent(after.minus(phaseBefore).hitRatio()));
  }

  private Map<String, Long> perInstance(long from, long to) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (ServiceInstance instance : cluster.instances()) {
      counts.put(instance.id(), 0L);
    }
    for (RequestRecord r : cluster.records()) {
      if (r.startEpochMillis() >= from && r.startEpochMillis() < to && r.endpointId() != null) {
        counts.merge(r.endpointId(), 1L, Long::sum);
      }
    }
    return counts;
  }

  private long count(Predicate<RequestRecord> predicate) {
    return cluster.records().stream().filter(predicate).count();
  }

  private void mark(long epochMillis, String kind, String label) {
    markers.add(new Marker(Math.max(0, epochMillis - t0), kind, label));
  }

  private void step(String format, Object... args) {
    out.printf(
        Locale.ROOT,
        "[%6.1fs] %s%n",
        (System.currentTimeMillis() - t0) / 1000.0,
        String.format(Locale.ROOT, format, args));
  }

  private DemoSummary summarize(
      List<SimulatedUser> users,
      long lost,
      long killedAt,
      long markedDownAt,
      long restartedAt,
      long commandStartNanos) {
    long end = System.currentTimeMillis();
    List<RequestRecord> records = List.copyOf(cluster.records());
    List<String> ids = cluster.instances().stream().map(ServiceInstance::id).toList();
    List<PhaseRow> rows = new ArrayList<>();
    for (Phase phase : phases) {
      List<RequestRecord> in =
          records.stream()
              .filter(
                  r -> r.startEpochMillis() >= phase.start() && r.startEpochMillis() < phase.end())
              .toList();
      rows.add(
          new PhaseRow(
              phase.name(),
              phase.end() - phase.start(),
              perInstance(phase.start(), phase.end()),
              in.size(),
              stats.failuresBetween(phase.start(), phase.end()),
              in.stream().filter(RequestRecord::retried).count(),
              phase.after().minus(phase.before()).hitRatio()));
    }
    long[] latencies = records.stream().mapToLong(RequestRecord::latencyNanos).sorted().toArray();
    StatsLedger.Counters total = ledger.snapshot(cluster.instances());
    KillCheck kill =
        new KillCheck(
            VICTIM,
            markedDownAt - killedAt,
            records.stream()
                .filter(
                    r ->
                        r.startEpochMillis() < markedDownAt
                            && r.startEpochMillis() >= killedAt - 5000)
                .filter(
                    r ->
                        r.attemptedEndpointIds().contains(VICTIM) && !VICTIM.equals(r.endpointId()))
                .count(),
            records.stream()
                .filter(
                    r -> r.startEpochMillis() >= markedDownAt && r.startEpochMillis() < restartedAt)
                .filter(r -> r.attemptedEndpointIds().contains(VICTIM))
                .count(),
            records.stream()
                .filter(r -> r.startEpochMillis() >= restartedAt && VICTIM.equals(r.endpointId()))
                .count());
    List<RequestSample> samples =
        records.stream()
            .map(
                r ->
                    new RequestSample(
                        r.startEpochMillis(),
                        r.endpointId(),
                        r.status(),
                        r.latencyNanos(),
                        r.retried()))
            .toList();
    Timeline timeline = Timeline.of(t0, end, 1000, ids, samples, markers);
    List<LoadStats.Failure> failures = stats.failures();
    long loggedOut = users.stream().filter(SimulatedUser::loggedOut).count();
    List<String> problems = new ArrayList<>();
    if (!failures.isEmpty()) {
      problems.add(failures.size() + " failed requests, first: " + failures.get(0).what());
    }
    if (loggedOut > 0) {
      problems.add(loggedOut + " users logged out: " + stats.loggedOutUsers());
    }
    if (lost > 0) {
      problems.add(lost + " acknowledged cart items lost");
    }
    if (kill.requestsSentWhileDown() > 0) {
      problems.add(
          kill.requestsSentWhileDown()
              + " requests sent to "
              + VICTIM
              + " while it was marked down");
    }
    if (kill.servedAfterRestart() == 0) {
      problems.add(VICTIM + " got no traffic after its restart");
    }
    if (invalidation.stream().anyMatch(c -> c.delayMillis() < 0)) {
      problems.add(
          "a price update was not seen on every instance within "
              + INVALIDATION_BOUND_MILLIS
              + " ms");
    }
    return new DemoSummary(
        settings.name(),
        users.size(),
        (System.nanoTime() - commandStartNanos) / 1_000_000,
        ids,
        rows,
        records.size(),
        failures.size(),
        records.stream().filter(RequestRecord::retried).count(),
        loggedOut,
        stats.cartItemsAcknowledged(),
        lost,
        total.hitRatio(),
        stats.productReads(),
        total.dbQueries(),
        stats.productReads() - total.dbQueries(),
        Timeline.percentileMillis(latencies, 0.50),
        Timeline.percentileMillis(latencies, 0.99),
        kill,
        INVALIDATION_BOUND_MILLIS,
        invalidation,
        timeline,
        problems);
  }

  private static String percent(double ratio) {
    return Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.1f%%", ratio * 100);
  }
}
