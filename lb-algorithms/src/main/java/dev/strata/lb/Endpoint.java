package dev.strata.lb;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One instance a load balancer can send requests to: a unique id, an address, a weight and free
 * metadata (zone, tags, version...).
 *
 * <p>Immutable and thread-safe. Two endpoints are equal when id, address, weight and metadata are
 * equal; within an {@link EndpointPool} the id alone identifies a member. The address is kept
 * unresolved (host and port as given); resolving it is the caller's business.
 */
public final class Endpoint {

  /** The largest accepted weight. */
  public static final int MAX_WEIGHT = 1_000_000;

  private final String id;
  private final InetSocketAddress address;
  private final int weight;
  private final Map<String, String> metadata;

  private Endpoint(Builder builder) {
    this.id = builder.id;
    this.address = InetSocketAddress.createUnresolved(builder.host, builder.port);
    this.weight = builder.weight;
    this.metadata = Map.copyOf(builder.metadata);
  }

  /**
   * Creates an endpoint of weight 1 without metadata.
   *
   * @param id unique id within a pool, not blank
   * @param host host name or literal address, not blank
   * @param port port, 0 to 65535
   * @return the endpoint
   * @throws IllegalArgumentException if an argument is invalid, naming it
   * @throws NullPointerException if id or host is null
   */
  public static Endpoint of(String id, String host, int port) {
    return builder(id, host, port).build();
  }

  /**
   * Starts a builder for an endpoint with weight and metadata.
   *
   * @param id unique id within a pool, not blank
   * @param host host name or literal address, not blank
   * @param port port, 0 to 65535
   * @return a new builder, weight 1 and no metadata until set
   * @throws NullPointerException if id or host is null
   */
  public static Builder builder(String id, String host, int port) {
    return new Builder(id, host, port);
  }

  /**
   * Returns a builder initialised with this endpoint's fields, to derive a changed copy.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder builder = new Builder(id, address.getHostString(), address.getPort());
    builder.weight = weight;
    builder.metadata.putAll(metadata);
    return builder;
  }

  /**
   * Returns a copy of this endpoint with another weight.
   *
   * @param newWeight the weight, 1 to {@link #MAX_WEIGHT}
   * @return the copy (or this endpoint if the weight is unchanged)
   * @throws IllegalArgumentException if the weight is out of range
   */
  public Endpoint withWeight(int newWeight) {
    return newWeight == weight ? this : toBuilder().weight(newWeight).build();
  }

  /**
   * Returns the id, unique within a pool.
   *
   * @return the id, never null
   */
  public String id() {
    return id;
  }

  /**
   * Returns the unresolved address (host string and port as given).
   *
   * @return the address, never null
   */
  public InetSocketAddress address() {
    return address;
  }

  /**
   * Returns the weight: the share of traffic relative to other endpoints for weighted selectors.
   *
   * @return the weight, at least 1
   */
  public int weight() {
    return weight;
  }

  /**
   * Returns the metadata.
   *
   * @return an unmodifiable map, never null, possibly empty
   */
  public Map<String, String> metadata() {
    return metadata;
  }

  @Override
  public boolean equals(Object other) {
    if (this == other) {
      return true;
    }
    if (!(other instanceof Endpoint)) {
      return false;
    }
    Endpoint that = (Endpoint) other;
    return weight == that.weight
        && id.equals(that.id)
        && address.equals(that.address)
        && metadata.equals(that.metadata);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, address, weight, metadata);
  }

  @Override
  public String toString() {
    return "Endpoint{"
        + id
        + " "
        + address.getHostString()
        + ":"
        + address.getPort()
        + (weight == 1 ? "" : " weight=" + weight)
        + (metadata.isEmpty() ? "" : " " + metadata)
        + "}";
  }

  /** Builds an {@link Endpoint}; not thread-safe, validates in {@link #build()}. */
  public static final class Builder {
    private final String id;
    private final String host;
    private final int port;
    private int weight = 1;
    private final Map<String, String> metadata = new LinkedHashMap<>();

    private Builder(String id, String host, int port) {
      this.id = Objects.requireNonNull(id, "id must not be null");
      this.host = Objects.requireNonNull(host, "host must not be null");
      this.port = port;
    }

    /**
     * Sets the weight (default 1).
     *
     * @param weight 1 to {@link Endpoint#MAX_WEIGHT}, checked in {@link #build()}
     * @return this builder
     */
    public Builder weight(int weight) {
      this.weight = weight;
      return this;
    }

    /**
     * Adds one metadata entry, replacing an earlier value of the same key.
     *
     * @param key the key, not null
     * @param value the value, not null
     * @return this builder
     * @throws NullPointerException if key or value is null
     */
    public Builder metadata(String key, String value) {
      metadata.put(Objects.requireNonNull(key, "metadata key"), Objects.requireNonNull(value, key));
      return this;
    }

    /**
     * Adds all entries of a map to the metadata.
     *
     * @param entries the entries, no null keys or values
     * @return this builder
     * @throws NullPointerException if a key or value is null
     */
    public Builder metadata(Map<String, String> entries) {
      entries.forEach(this::metadata);
      return this;
    }

    /**
     * Builds the endpoint.
     *
     * @return the endpoint
     * @throws IllegalArgumentException naming the invalid field and value
     */
    public Endpoint build() {
      if (id.isBlank()) {
        throw new IllegalArgumentException("id must not be blank but was '" + id + "'");
      }
      if (host.isBlank()) {
        throw new IllegalArgumentException("host must not be blank but was '" + host + "'");
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be between 0 and 65535 but was " + port);
      }
      if (weight < 1 || weight > MAX_WEIGHT) {
        throw new IllegalArgumentException(
            "weight must be between 1 and " + MAX_WEIGHT + " but was " + weight);
      }
      return new Endpoint(this);
    }
  }
}
