package dev.strata.jmh;

import dev.strata.lb.Endpoint;
import dev.strata.lb.EndpointPool;
import dev.strata.lb.LoadBalancer;
import dev.strata.lb.RequestContext;
import dev.strata.lb.Selector;
import dev.strata.lb.Selectors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Every {@link Selectors selector}'s pick ({@link LoadBalancer#select}) beside the floor: {@code
 * rawAtomicRoundRobin}, an {@link AtomicInteger} modulo an array of endpoints. At 10 and 1,000
 * endpoints ({@code endpoints} parameter); run with {@code -t 1} and {@code -t 2} for one and two
 * threads, and {@code -prof gc} to see that picks allocate nothing. Hashing selectors get a key
 * from a per-thread ring of 1,024 prebuilt client contexts (the floor reads one too, so both do the
 * same memory work).
 *
 * <p>Selectors that count in-flight requests are measured on the pick alone (nothing completes, so
 * their counts only grow); {@code peakEwmaSelectAndComplete} measures a full pick and completion.
 *
 * <p>{@code pairStrataRoundRobin} and {@code pairRawAtomicRoundRobin} are the same comparison at a
 * fixed 10 endpoints, for the regression check's baseline.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LoadBalancerBenchmark {

  /** The pools and load balancers, one per selector. */
  @State(Scope.Benchmark)
  public static class Balancers {
    @Param({"10", "1000"})
    int endpoints;

    Endpoint[] array;
    final AtomicInteger rawCounter = new AtomicInteger();
    LoadBalancer roundRobin;
    LoadBalancer weightedRoundRobin;
    LoadBalancer leastConnections;
    LoadBalancer ipHash;
    LoadBalancer leastResponseTime;
    LoadBalancer random;
    LoadBalancer weightedRandom;
    LoadBalancer powerOfTwoChoices;
    LoadBalancer peakEwma;
    LoadBalancer ringHash;
    LoadBalancer boundedLoadHash;
    LoadBalancer maglev;
    LoadBalancer rendezvous;

    @Setup
    public void build() {
      EndpointPool pool = pool(endpoints);
      array = pool.endpoints().toArray(new Endpoint[0]);
      roundRobin = balancer(pool, Selectors.roundRobin());
      weightedRoundRobin = balancer(pool, Selectors.smoothWeightedRoundRobin());
      leastConnections = balancer(pool, Selectors.leastConnections());
      ipHash = balancer(pool, Selectors.ipHash());
      leastResponseTime = balancer(pool, Selectors.leastResponseTime());
      random = balancer(pool, Selectors.random());
      weightedRandom = balancer(pool, Selectors.weightedRandom());
      powerOfTwoChoices = balancer(pool, Selectors.powerOfTwoChoices());
      peakEwma = balancer(pool, Selectors.peakEwma());
      ringHash = balancer(pool, Selectors.ringHash());
      boundedLoadHash = balancer(pool, Selectors.boundedLoadHash());
      maglev = balancer(pool, Selectors.maglev());
      rendezvous = balancer(pool, Selectors.rendezvous());
    }
  }

  /** A fixed pool of 10 endpoints for the regression pair. */
  @State(Scope.Benchmark)
  public static class PairBalancers {
    Endpoint[] array;
    final AtomicInteger rawCounter = new AtomicInteger();
    LoadBalancer roundRobin;

    @Setup
    public void build() {
      EndpointPool pool = pool(10);
      array = pool.endpoints().toArray(new Endpoint[0]);
      roundRobin = balancer(pool, Selectors.roundRobin());
    }
  }

  /** Each thread cycles through its own prebuilt client contexts. */
  @State(Scope.Thread)
  public static class Clients {
    static final int COUNT = 1024;
    final RequestContext[] contexts = new RequestContext[COUNT];
    int next;

    @Setup
    public void build() {
      int base = System.identityHashCode(this);
      for (int i = 0; i < COUNT; i++) {
        int k = base + i;
        contexts[i] =
            RequestContext.ofClientAddress(
                "10." + ((k >>> 16) & 255) + "." + ((k >>> 8) & 255) + "." + (k & 255));
      }
    }

    RequestContext next() {
      return contexts[next++ & (COUNT - 1)];
    }
  }

  static EndpointPool pool(int size) {
    EndpointPool pool = EndpointPool.create();
    for (int i = 0; i < size; i++) {
      pool.add(
          Endpoint.builder("e" + i, "10.1." + (i >> 8) + "." + (i & 255), 8080)
              .weight(1 + i % 3)
              .build());
    }
    return pool;
  }

  static LoadBalancer balancer(EndpointPool pool, Selector selector) {
    // no pick here: a pick of every selector in one JVM would make the call site of the
    // algorithm megamorphic, which an application using one selector never sees
    return LoadBalancer.builder(pool).selector(selector).seed(42).build();
  }

  @Benchmark
  public Endpoint rawAtomicRoundRobin(Balancers s, Clients c) {
    c.next();
    Endpoint[] array = s.array;
    return array[(s.rawCounter.getAndIncrement() & Integer.MAX_VALUE) % array.length];
  }

  @Benchmark
  public Endpoint roundRobin(Balancers s, Clients c) {
    return s.roundRobin.select(c.next());
  }

  @Benchmark
  public Endpoint weightedRoundRobin(Balancers s, Clients c) {
    return s.weightedRoundRobin.select(c.next());
  }

  @Benchmark
  public Endpoint leastConnections(Balancers s, Clients c) {
    return s.leastConnections.select(c.next());
  }

  @Benchmark
  public Endpoint ipHash(Balancers s, Clients c) {
    return s.ipHash.select(c.next());
  }

  @Benchmark
  public Endpoint leastResponseTime(Balancers s, Clients c) {
    return s.leastResponseTime.select(c.next());
  }

  @Benchmark
  public Endpoint random(Balancers s, Clients c) {
    return s.random.select(c.next());
  }

  @Benchmark
  public Endpoint weightedRandom(Balancers s, Clients c) {
    return s.weightedRandom.select(c.next());
  }

  @Benchmark
  public Endpoint powerOfTwoChoices(Balancers s, Clients c) {
    return s.powerOfTwoChoices.select(c.next());
  }

  @Benchmark
  public Endpoint peakEwma(Balancers s, Clients c) {
    return s.peakEwma.select(c.next());
  }

  @Benchmark
  public Endpoint peakEwmaSelectAndComplete(Balancers s, Clients c) {
    Endpoint endpoint = s.peakEwma.select(c.next());
    s.peakEwma.complete(endpoint, 1_000_000L, true);
    return endpoint;
  }

  @Benchmark
  public Endpoint ringHash(Balancers s, Clients c) {
    return s.ringHash.select(c.next());
  }

  @Benchmark
  public Endpoint boundedLoadHash(Balancers s, Clients c) {
    return s.boundedLoadHash.select(c.next());
  }

  @Benchmark
  public Endpoint maglev(Balancers s, Clients c) {
    return s.maglev.select(c.next());
  }

  @Benchmark
  public Endpoint rendezvous(Balancers s, Clients c) {
    return s.rendezvous.select(c.next());
  }

  @Benchmark
  public Endpoint pairRawAtomicRoundRobin(PairBalancers s, Clients c) {
    c.next();
    Endpoint[] array = s.array;
    return array[(s.rawCounter.getAndIncrement() & Integer.MAX_VALUE) % array.length];
  }

  @Benchmark
  public Endpoint pairStrataRoundRobin(PairBalancers s, Clients c) {
    return s.roundRobin.select(c.next());
  }
}
