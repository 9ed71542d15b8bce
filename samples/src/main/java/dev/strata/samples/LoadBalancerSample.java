package dev.strata.samples;

import dev.strata.lb.Endpoint;
import dev.strata.lb.EndpointPool;
import dev.strata.lb.EndpointStatus;
import dev.strata.lb.LoadBalancer;
import dev.strata.lb.OutlierEjection;
import dev.strata.lb.Selectors;
import dev.strata.lb.SlowStart;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * {@code strata-lb}: an {@link EndpointPool} and a {@link LoadBalancer} with the peak-EWMA
 * selector, outlier ejection and slow start, and a record of which endpoint got each request.
 *
 * <p>Simulated backends answer on a clock the sample moves by hand (100 requests a second, one at a
 * time, for five simulated minutes, in well under a second of real time):
 *
 * <ol>
 *   <li><b>steady</b>: {@code a}, {@code b} and {@code d} answer in 10-12 ms, {@code c} takes 150
 *       ms: peak-EWMA sends {@code c} only a small share;
 *   <li><b>d fails</b>: {@code d} now fails every request in 1 ms. A failure costs at least 1 s in
 *       peak-EWMA, so {@code d} is only retried now and then; after 5 failures in a row outlier
 *       ejection takes it out for 30 s (then 60 s...), and it gets no request while ejected. While
 *       {@code d} is out, {@code c}'s share stays small: a random pair that draws the unusable
 *       {@code d} is not settled by its other member alone, the selector draws again and compares;
 *   <li><b>e joins</b>: a new endpoint {@code e} is added; slow start ramps its weight up over 30
 *       s, so its share of requests grows over the window (printed per 10 s) instead of starting at
 *       its full share while its caches are cold.
 * </ol>
 *
 * <p>In a service, {@code select} picks the endpoint of a real call and {@code complete} reports
 * its latency and outcome; strata-health's {@code ActiveHealthChecker} marks endpoints up and down
 * in the same pool (see {@link HealthSample}). No external service. Run it with {@code java -cp
 * samples/target/strata-samples.jar dev.strata.samples.LoadBalancerSample}.
 */
public final class LoadBalancerSample {

  private static final long STEP_NANOS = Duration.ofMillis(10).toNanos(); // 100 requests a second

  /**
   * What the sample observed.
   *
   * @param picks requests per endpoint id, per phase name
   * @param failuresBeforeEjection failed requests {@code d} got before its first ejection
   * @param ejections how often {@code d} was ejected during the "d fails" phase
   * @param picksWhileEjected requests {@code d} got while it was ejected
   * @param slowStartShares {@code e}'s share of requests in each 10 s after it joined, in percent
   */
  record Report(
      Map<String, Map<String, Integer>> picks,
      int failuresBeforeEjection,
      int ejections,
      int picksWhileEjected,
      List<Double> slowStartShares) {}

  private LoadBalancerSample() {}

  /**
   * Runs the sample and prints its report.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    print(run(), System.out);
  }

  static Report run() {
    AtomicLong now = new AtomicLong(); // the simulated clock, in nanoseconds
    EndpointPool pool = EndpointPool.create(now::get);
    for (String id : List.of("a", "b", "c", "d")) {
      pool.add(Endpoint.of(id, "10.0.0." + (id.charAt(0) - 'a' + 1), 8080));
    }
    LoadBalancer lb =
        LoadBalancer.builder(pool)
            .selector(Selectors.peakEwma())
            .outlierEjection(
                OutlierEjection.builder()
                    .consecutiveFailures(5)
                    .baseEjectionTime(Duration.ofSeconds(30))
                    .build())
            .slowStart(SlowStart.of(Duration.ofSeconds(30)))
            .seed(42) // reproducible random choices
            .build();

    Map<String, Map<String, Integer>> picks = new LinkedHashMap<>();
    Backends backends = new Backends();
    // Phase 1: steady.
    run(lb, now, backends, 60, picks.computeIfAbsent("steady", k -> new TreeMap<>()), null);

    // Phase 2: d fails every request.
    backends.dFails = true;
    EjectionRecord record = new EjectionRecord();
    run(lb, now, backends, 180, picks.computeIfAbsent("d fails", k -> new TreeMap<>()), record);

    // Phase 3: e joins, ramped up by slow start over 30 s; counted in 10 s slices.
    pool.add(Endpoint.of("e", "10.0.0.5", 8080));
    Map<String, Integer> joined = picks.computeIfAbsent("e joins", k -> new TreeMap<>());
    List<Double> shares = new ArrayList<>();
    for (int slice = 0; slice < 6; slice++) {
      Map<String, Integer> slicePicks = new TreeMap<>();
      run(lb, now, backends, 10, slicePicks, null);
      slicePicks.forEach((id, n) -> joined.merge(id, n, Integer::sum));
      shares.add(100.0 * slicePicks.getOrDefault("e", 0) / 1_000);
    }
    return new Report(
        picks,
        record.failuresBeforeEjection,
        lb.status("d").map(EndpointStatus::ejections).orElse(0),
        record.picksWhileEjected,
        List.copyOf(shares));
  }

  /** Sends {@code seconds} of requests, one every 10 ms, and counts the picks. */
  private static void run(
      LoadBalancer lb,
      AtomicLong now,
      Backends backends,
      int seconds,
      Map<String, Integer> picks,
      @Nullable EjectionRecord record) {
    for (int i = 0; i < seconds * 100; i++) {
      boolean dEjected =
          record != null && lb.status("d").map(EndpointStatus::ejected).orElse(false);
      Endpoint endpoint = lb.select();
      picks.merge(endpoint.id(), 1, Integer::sum);
      long latency = backends.latencyNanos(endpoint.id());
      boolean ok = backends.succeeds(endpoint.id());
      if (record != null && endpoint.id().equals("d")) {
        record.picksWhileEjected += dEjected ? 1 : 0;
        record.failuresBeforeEjection += lb.status("d").orElseThrow().ejections() == 0 ? 1 : 0;
      }
      lb.complete(endpoint, latency, ok); // feeds latency, in-flight counts and ejection
      now.addAndGet(STEP_NANOS);
    }
  }

  /** How the simulated backends answer. */
  private static final class Backends {
    boolean dFails;

    long latencyNanos(String id) {
      return switch (id) {
        case "c" -> Duration.ofMillis(150).toNanos();
        case "d" -> Duration.ofMillis(dFails ? 1 : 11).toNanos();
        case "b" -> Duration.ofMillis(12).toNanos();
        default -> Duration.ofMillis(10).toNanos();
      };
    }

    boolean succeeds(String id) {
      return !(dFails && id.equals("d"));
    }
  }

  /** What happened to {@code d} while it was failing. */
  private static final class EjectionRecord {
    int failuresBeforeEjection;
    int picksWhileEjected;
  }

  static void print(Report report, PrintStream out) {
    out.println("Strata load balancer: peak-EWMA, outlier ejection, slow start (strata-lb)");
    out.printf("  %-10s %7s %7s %7s %7s %7s%n", "phase", "a", "b", "c", "d", "e");
    report
        .picks()
        .forEach(
            (phase, counts) ->
                out.printf(
                    "  %-10s %7d %7d %7d %7d %7d%n",
                    phase,
                    counts.getOrDefault("a", 0),
                    counts.getOrDefault("b", 0),
                    counts.getOrDefault("c", 0),
                    counts.getOrDefault("d", 0),
                    counts.getOrDefault("e", 0)));
    out.printf(
        "  d failed %d requests in a row, was ejected %d times, got %d requests while ejected%n",
        report.failuresBeforeEjection(), report.ejections(), report.picksWhileEjected());
    out.printf("  e's share per 10 s after joining (slow start over 30 s):");
    report.slowStartShares().forEach(share -> out.printf(" %.1f%%", share));
    out.println();
  }
}
