package dev.strata.lb.sim;

import dev.strata.lb.Endpoint;
import dev.strata.lb.EndpointPool;
import dev.strata.lb.LoadBalancer;
import dev.strata.lb.NoEndpointAvailableException;
import dev.strata.lb.RequestContext;
import dev.strata.lb.Selector;
import dev.strata.lb.Selectors;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Runs a {@link Scenario} through a {@link LoadBalancer} in simulated time: Poisson arrivals, each
 * sent to the selected server, completed when the server answers or the client timeout fires
 * (whichever is first; a timed-out request keeps its server busy until it is done). The load
 * balancer runs on the simulation's clock, so results depend only on the scenario's seed.
 *
 * <p>Each run is independent and single-threaded; different runs may execute in parallel.
 */
public final class Simulation {

  private static final int ARRIVAL = 0;
  private static final int SERVER_DONE = 1;
  private static final int TIMEOUT = 2;
  private static final int SAMPLE = 3;
  private static final long SAMPLE_INTERVAL_NANOS = 100_000_000L;

  private final Scenario scenario;
  private final Selector selector;
  private final PriorityQueue<Event> events = new PriorityQueue<>();
  private final SplittableRandom random;
  private final ServerSpec[] specs;
  private final int[] busy;
  private final int[] atServer;
  private final int[] maxAtServer;
  private final long[] sent;
  private final List<ArrayDeque<Request>> waiting = new ArrayList<>();
  private long[] latencies = new long[1 << 16];
  private int recorded;
  private long successes;
  private long now;
  private long sequence;
  private int maxEjected;

  private Simulation(Scenario scenario, Selector selector) {
    this.scenario = scenario;
    this.selector = selector;
    this.random = new SplittableRandom(scenario.seed());
    this.specs = scenario.servers().toArray(new ServerSpec[0]);
    int n = specs.length;
    this.busy = new int[n];
    this.atServer = new int[n];
    this.maxAtServer = new int[n];
    this.sent = new long[n];
    for (int i = 0; i < n; i++) {
      waiting.add(new ArrayDeque<>());
    }
  }

  /**
   * Runs one selector through a scenario.
   *
   * @param scenario the workload, not null
   * @param selector the selector, not null
   * @return the outcome
   */
  public static SimulationResult run(Scenario scenario, Selector selector) {
    return new Simulation(
            Objects.requireNonNull(scenario, "scenario must not be null"),
            Objects.requireNonNull(selector, "selector must not be null"))
        .execute();
  }

  /**
   * Runs every selector of {@link Selectors#all()} through a scenario.
   *
   * @param scenario the workload, not null
   * @return one result per selector, in {@link Selectors#all()} order
   */
  public static List<SimulationResult> runAll(Scenario scenario) {
    List<SimulationResult> results = new ArrayList<>();
    for (Selector selector : Selectors.all()) {
      results.add(run(scenario, selector));
    }
    return results;
  }

  private SimulationResult execute() {
    EndpointPool pool = EndpointPool.create(() -> now);
    for (int i = 0; i < specs.length; i++) {
      pool.add(
          Endpoint.builder("s" + i, "10.0.0." + (i + 1), 8080).weight(specs[i].weight()).build());
    }
    LoadBalancer lb =
        LoadBalancer.builder(pool)
            .selector(selector)
            .outlierEjection(scenario.outlierEjection())
            .seed(scenario.seed())
            .build();
    RequestContext[] contexts = new RequestContext[scenario.keys()];
    for (int k = 0; k < contexts.length; k++) {
      contexts[k] =
          RequestContext.ofClientAddress(
              "10." + ((k >>> 16) & 255) + "." + ((k >>> 8) & 255) + "." + (k & 255));
    }
    long end = scenario.duration().toNanos();
    long timeout = scenario.clientTimeout().toNanos();
    double meanGapNanos = 1e9 / scenario.requestsPerSecond();
    schedule(exponential(meanGapNanos), ARRIVAL, null);
    schedule(SAMPLE_INTERVAL_NANOS, SAMPLE, null);
    Event event;
    while ((event = events.poll()) != null) {
      now = event.time;
      switch (event.type) {
        case ARRIVAL:
          long next = now + exponential(meanGapNanos);
          if (next < end) {
            schedule(next, ARRIVAL, null);
          }
          arrive(lb, contexts[random.nextInt(contexts.length)], timeout);
          break;
        case SERVER_DONE:
          serverDone(lb, event.request);
          break;
        case TIMEOUT:
          Request request = event.request;
          if (!request.finished) {
            request.finished = true;
            lb.complete(request.endpoint, timeout, false);
            record(timeout, false);
          }
          break;
        default:
          maxEjected = Math.max(maxEjected, lb.ejectedCount());
          if (now + SAMPLE_INTERVAL_NANOS < end) {
            schedule(now + SAMPLE_INTERVAL_NANOS, SAMPLE, null);
          }
      }
    }
    return result();
  }

  private void arrive(LoadBalancer lb, RequestContext context, long timeout) {
    Endpoint endpoint;
    try {
      endpoint = lb.select(context);
    } catch (NoEndpointAvailableException e) {
      record(0, false);
      return;
    }
    int server = Integer.parseInt(endpoint.id().substring(1));
    Request request = new Request(endpoint, server, now);
    sent[server]++;
    schedule(now + timeout, TIMEOUT, request);
    atServer[server]++;
    maxAtServer[server] = Math.max(maxAtServer[server], atServer[server]);
    ServerSpec spec = specs[server];
    if (spec.kind() != ServerSpec.Kind.QUEUE) {
      schedule(now + spec.latencyNanos(), SERVER_DONE, request);
    } else if (busy[server] < spec.workers()) {
      busy[server]++;
      schedule(now + exponential(spec.latencyNanos()), SERVER_DONE, request);
    } else {
      waiting.get(server).add(request);
    }
  }

  private void serverDone(LoadBalancer lb, Request request) {
    int server = request.server;
    atServer[server]--;
    ServerSpec spec = specs[server];
    if (spec.kind() == ServerSpec.Kind.QUEUE) {
      Request queued = waiting.get(server).poll();
      if (queued != null) {
        schedule(now + exponential(spec.latencyNanos()), SERVER_DONE, queued);
      } else {
        busy[server]--;
      }
    }
    if (!request.finished) {
      request.finished = true;
      boolean success = spec.kind() != ServerSpec.Kind.FAILING;
      long latency = now - request.startNanos;
      lb.complete(request.endpoint, latency, success);
      record(latency, success);
    }
  }

  private long exponential(double meanNanos) {
    return Math.max(1L, Math.round(-meanNanos * Math.log(1.0 - random.nextDouble())));
  }

  private void schedule(long time, int type, Request request) {
    events.add(new Event(time, sequence++, type, request));
  }

  private void record(long latency, boolean success) {
    if (recorded == latencies.length) {
      latencies = Arrays.copyOf(latencies, recorded * 2);
    }
    latencies[recorded++] = latency;
    if (success) {
      successes++;
    }
  }

  private SimulationResult result() {
    long[] sorted = Arrays.copyOf(latencies, recorded);
    Arrays.sort(sorted);
    long total = 0;
    for (long count : sent) {
      total += count;
    }
    List<Double> shares = new ArrayList<>();
    List<Integer> peaks = new ArrayList<>();
    for (int i = 0; i < sent.length; i++) {
      shares.add(total == 0 ? 0.0 : (double) sent[i] / total);
      peaks.add(maxAtServer[i]);
    }
    return new SimulationResult(
        selector.name(),
        recorded,
        recorded == 0 ? 0 : (double) successes / recorded,
        percentile(sorted, 0.50),
        percentile(sorted, 0.99),
        percentile(sorted, 0.999),
        List.copyOf(shares),
        List.copyOf(peaks),
        maxEjected);
  }

  private static long percentile(long[] sorted, double quantile) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.ceil(quantile * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static final class Request {
    final Endpoint endpoint;
    final int server;
    final long startNanos;
    boolean finished;

    Request(Endpoint endpoint, int server, long startNanos) {
      this.endpoint = endpoint;
      this.server = server;
      this.startNanos = startNanos;
    }
  }

  private static final class Event implements Comparable<Event> {
    final long time;
    final long sequence;
    final int type;
    final Request request;

    Event(long time, long sequence, int type, Request request) {
      this.time = time;
      this.sequence = sequence;
      this.type = type;
      this.request = request;
    }

    @Override
    public int compareTo(Event other) {
      int byTime = Long.compare(time, other.time);
      return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
    }
  }
}
