package dev.strata.lb.sim;

import dev.strata.lb.OutlierEjection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A simulated workload: servers, Poisson arrivals at a rate, a client timeout, a duration, a seed,
 * and optional outlier ejection. Immutable; made by {@link #builder(String)} or {@link
 * #named(String)}.
 */
public final class Scenario {

  private static final Duration NORMAL = Duration.ofMillis(20);

  private final String name;
  private final String description;
  private final List<ServerSpec> servers;
  private final double requestsPerSecond;
  private final Duration duration;
  private final Duration clientTimeout;
  private final long seed;
  private final OutlierEjection outlierEjection;
  private final int keys;

  private Scenario(Builder b) {
    this.name = b.name;
    this.description = b.description;
    this.servers = List.copyOf(b.servers);
    this.requestsPerSecond = b.requestsPerSecond;
    this.duration = b.duration;
    this.clientTimeout = b.clientTimeout;
    this.seed = b.seed;
    this.outlierEjection = b.outlierEjection;
    this.keys = b.keys;
  }

  /**
   * Returns the scenarios {@link #named} knows, by name, with their descriptions.
   *
   * @return name to description, sorted
   */
  public static Map<String, String> catalogue() {
    Map<String, String> names = new TreeMap<>();
    for (String name :
        List.of("linkerd", "fail-fast", "heterogeneous", "failing", "failing-many")) {
      names.put(name, named(name).description());
    }
    return Collections.unmodifiableMap(names);
  }

  /**
   * Returns a predefined scenario.
   *
   * <ul>
   *   <li>{@code linkerd}: Linkerd's published test: 11 servers at 1,000 requests/s, one stuck at 2
   *       s, 1 s client timeout.
   *   <li>{@code fail-fast}: 10 servers, one answering every request with an error after 1 ms.
   *   <li>{@code heterogeneous}: 10 servers whose capacities differ 5-fold, weighted by capacity,
   *       at 70% utilisation.
   *   <li>{@code failing}: {@code fail-fast} with outlier ejection (5 consecutive failures).
   *   <li>{@code failing-many}: 3 of 10 servers failing, outlier ejection capped at 10%.
   * </ul>
   *
   * @param name one of the names above
   * @return the scenario, seed 42, 60 s of simulated time
   * @throws IllegalArgumentException for an unknown name, listing the known ones
   */
  public static Scenario named(String name) {
    Builder b = builder(name).requestsPerSecond(1000).clientTimeout(Duration.ofSeconds(1));
    switch (name) {
      case "linkerd":
        for (int i = 0; i < 10; i++) {
          b.server(ServerSpec.queue(8, NORMAL));
        }
        return b.server(ServerSpec.stuck(Duration.ofSeconds(2)))
            .description("11 servers, 1000 rps, one stuck at 2 s, 1 s timeout")
            .build();
      case "fail-fast":
      case "failing":
        for (int i = 0; i < 9; i++) {
          b.server(ServerSpec.queue(8, NORMAL));
        }
        b.server(ServerSpec.failing(Duration.ofMillis(1)));
        if (name.equals("failing")) {
          return b.outlierEjection(OutlierEjection.builder().build())
              .description("10 servers, one failing after 1 ms, outlier ejection on")
              .build();
        }
        return b.description("10 servers, one failing every request after 1 ms").build();
      case "failing-many":
        for (int i = 0; i < 7; i++) {
          b.server(ServerSpec.queue(8, NORMAL));
        }
        for (int i = 0; i < 3; i++) {
          b.server(ServerSpec.failing(Duration.ofMillis(5)));
        }
        return b.outlierEjection(OutlierEjection.builder().build())
            .description("10 servers, 3 failing after 5 ms, outlier ejection max 10%")
            .build();
      case "heterogeneous":
        int[] serviceMillis = {10, 10, 15, 15, 20, 20, 30, 30, 40, 50};
        double capacity = 0;
        for (int millis : serviceMillis) {
          ServerSpec spec = ServerSpec.queue(4, Duration.ofMillis(millis));
          capacity += spec.capacityPerSecond();
          // weights proportional to capacity, for the weighted selectors
          b.server(spec.withWeight((int) Math.round(spec.capacityPerSecond() / 10)));
        }
        return b.requestsPerSecond(Math.round(0.7 * capacity))
            .description(
                "10 servers of 5-fold different speed (weights = capacity), 70% utilisation")
            .build();
      default:
        throw new IllegalArgumentException(
            "unknown scenario '"
                + name
                + "'; known: linkerd, fail-fast, heterogeneous, failing, failing-many");
    }
  }

  /**
   * Starts a builder: no servers, 1,000 requests/s, 60 s, 1 s timeout, seed 42, no ejection, 10,000
   * distinct hash keys.
   *
   * @param name the scenario's name, not blank
   * @return a new builder
   */
  public static Builder builder(String name) {
    return new Builder(Objects.requireNonNull(name, "name must not be null"));
  }

  /** Returns a copy of this scenario with another duration. */
  public Scenario withDuration(Duration newDuration) {
    return toBuilder().duration(newDuration).build();
  }

  /** Returns a copy of this scenario with another seed. */
  public Scenario withSeed(long newSeed) {
    return toBuilder().seed(newSeed).build();
  }

  private Builder toBuilder() {
    Builder b = new Builder(name);
    b.description = description;
    b.servers.addAll(servers);
    b.requestsPerSecond = requestsPerSecond;
    b.duration = duration;
    b.clientTimeout = clientTimeout;
    b.seed = seed;
    b.outlierEjection = outlierEjection;
    b.keys = keys;
    return b;
  }

  /** Returns the name. */
  public String name() {
    return name;
  }

  /** Returns the one-line description. */
  public String description() {
    return description;
  }

  /** Returns the servers, in order. */
  public List<ServerSpec> servers() {
    return servers;
  }

  /** Returns the mean arrival rate. */
  public double requestsPerSecond() {
    return requestsPerSecond;
  }

  /** Returns the simulated duration. */
  public Duration duration() {
    return duration;
  }

  /** Returns the client timeout. */
  public Duration clientTimeout() {
    return clientTimeout;
  }

  /** Returns the seed of arrivals, service times, keys and the load balancer. */
  public long seed() {
    return seed;
  }

  /** Returns the outlier ejection the load balancer uses. */
  public OutlierEjection outlierEjection() {
    return outlierEjection;
  }

  /** Returns the number of distinct hash keys (client addresses) requests carry. */
  public int keys() {
    return keys;
  }

  @Override
  public String toString() {
    return name + ": " + description;
  }

  /** Builds a {@link Scenario}; not thread-safe, validates in {@link #build()}. */
  public static final class Builder {
    private final String name;
    private String description = "";
    private final List<ServerSpec> servers = new ArrayList<>();
    private double requestsPerSecond = 1000;
    private Duration duration = Duration.ofSeconds(60);
    private Duration clientTimeout = Duration.ofSeconds(1);
    private long seed = 42;
    private OutlierEjection outlierEjection = OutlierEjection.disabled();
    private int keys = 10_000;

    private Builder(String name) {
      this.name = name;
    }

    /** Sets the description. */
    public Builder description(String text) {
      this.description = Objects.requireNonNull(text, "description must not be null");
      return this;
    }

    /** Adds a server. */
    public Builder server(ServerSpec server) {
      servers.add(Objects.requireNonNull(server, "server must not be null"));
      return this;
    }

    /** Sets the mean arrival rate (positive). */
    public Builder requestsPerSecond(double rate) {
      this.requestsPerSecond = rate;
      return this;
    }

    /** Sets the simulated duration (positive). */
    public Builder duration(Duration value) {
      this.duration = Objects.requireNonNull(value, "duration must not be null");
      return this;
    }

    /** Sets the client timeout (positive). */
    public Builder clientTimeout(Duration value) {
      this.clientTimeout = Objects.requireNonNull(value, "clientTimeout must not be null");
      return this;
    }

    /** Sets the seed. */
    public Builder seed(long value) {
      this.seed = value;
      return this;
    }

    /** Sets outlier ejection for the load balancer. */
    public Builder outlierEjection(OutlierEjection value) {
      this.outlierEjection = Objects.requireNonNull(value, "outlierEjection must not be null");
      return this;
    }

    /** Sets the number of distinct hash keys (at least 1). */
    public Builder keys(int count) {
      this.keys = count;
      return this;
    }

    /**
     * Builds the scenario.
     *
     * @return the scenario
     * @throws IllegalArgumentException naming the invalid field and value
     */
    public Scenario build() {
      if (name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank but was '" + name + "'");
      }
      if (servers.isEmpty()) {
        throw new IllegalArgumentException("servers must not be empty but was " + servers);
      }
      if (!(requestsPerSecond > 0) || Double.isInfinite(requestsPerSecond)) {
        throw new IllegalArgumentException(
            "requestsPerSecond must be positive but was " + requestsPerSecond);
      }
      if (duration.isZero() || duration.isNegative()) {
        throw new IllegalArgumentException("duration must be positive but was " + duration);
      }
      if (clientTimeout.isZero() || clientTimeout.isNegative()) {
        throw new IllegalArgumentException(
            "clientTimeout must be positive but was " + clientTimeout);
      }
      if (keys < 1) {
        throw new IllegalArgumentException("keys must be at least 1 but was " + keys);
      }
      return new Scenario(this);
    }
  }
}
