package dev.strata.cache;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * How long a cache keeps its entries: a default TTL, a random jitter that spreads the expiry of
 * entries written together, and an optional TTL for negative ("not found") entries.
 *
 * <p>Jitter only ever shortens a TTL: an entry written with TTL {@code t} and jitter {@code j}
 * lives a uniformly random time in {@code [t × (1 − j), t]}, so the configured TTL stays an upper
 * bound on staleness. Jitter applies to the default TTL, to per-entry TTLs and to the negative TTL.
 *
 * <p>TTLs are clamped to {@link #MAX_TTL} (2<sup>63</sup>&minus;1 nanoseconds, about 292 years),
 * the longest a cache can count: {@link Builder#build()} stores a longer default or negative TTL as
 * {@code MAX_TTL}, and {@link #applyJitter(Duration)} treats a longer per-entry TTL as {@code
 * MAX_TTL}, so no TTL, with or without jitter, overflows when it is written. For entries that
 * should never expire, leave the default TTL unset ({@link #eternal()}).
 *
 * <p>Instances are immutable and thread-safe. Build one with {@link #builder()}:
 *
 * <pre>{@code
 * TtlPolicy ttl = TtlPolicy.builder()
 *     .defaultTtl(Duration.ofMinutes(10))
 *     .jitter(0.1)                          // expire within the last 10% of the TTL
 *     .negativeTtl(Duration.ofSeconds(30))  // remember "not found" for 30 s
 *     .build();
 * }</pre>
 */
public final class TtlPolicy {

  /**
   * The longest TTL a cache keeps: 2<sup>63</sup>&minus;1 nanoseconds, about 292 years. Longer TTLs
   * are clamped to it.
   */
  public static final Duration MAX_TTL = Duration.ofNanos(Long.MAX_VALUE);

  private static final TtlPolicy ETERNAL = new TtlPolicy(null, 0.0, Duration.ZERO);

  private final @Nullable Duration defaultTtl;
  private final double jitter;
  private final Duration negativeTtl;

  private TtlPolicy(@Nullable Duration defaultTtl, double jitter, Duration negativeTtl) {
    this.defaultTtl = defaultTtl;
    this.jitter = jitter;
    this.negativeTtl = negativeTtl;
  }

  /**
   * Returns a policy whose entries never expire (they leave only by eviction or invalidation) and
   * that does no negative caching.
   *
   * @return the eternal policy
   */
  public static TtlPolicy eternal() {
    return ETERNAL;
  }

  /**
   * Returns a policy with a default TTL and no jitter or negative caching.
   *
   * @param defaultTtl the TTL of every entry; positive
   * @return the policy
   * @throws IllegalArgumentException if {@code defaultTtl} is zero or negative
   */
  public static TtlPolicy of(Duration defaultTtl) {
    return builder().defaultTtl(defaultTtl).build();
  }

  /**
   * Returns a new builder, initially eternal, without jitter or negative caching.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the TTL of an entry written without an explicit TTL, before jitter.
   *
   * @return the default TTL, or {@code null} when entries do not expire by default
   */
  public @Nullable Duration defaultTtl() {
    return defaultTtl;
  }

  /**
   * Returns the jitter as a share of the TTL, in {@code [0, 1)}.
   *
   * @return the jitter fraction; 0 for none
   */
  public double jitter() {
    return jitter;
  }

  /**
   * Returns the TTL of a negative entry, before jitter; {@link Duration#ZERO} when negative caching
   * is off.
   *
   * @return the negative TTL
   */
  public Duration negativeTtl() {
    return negativeTtl;
  }

  /**
   * Returns whether "not found" answers of a loader are cached.
   *
   * @return {@code true} if the negative TTL is positive
   */
  public boolean cachesNegatives() {
    return !negativeTtl.isZero();
  }

  /**
   * Returns the TTL to give an entry written now without an explicit TTL, jitter applied.
   *
   * @return the TTL, or {@code null} when the entry should not expire
   */
  public @Nullable Duration nextDefaultTtl() {
    return defaultTtl == null ? null : applyJitter(defaultTtl);
  }

  /**
   * Returns the TTL to give a negative entry written now, jitter applied.
   *
   * @return the TTL; {@link Duration#ZERO} when negative caching is off
   */
  public Duration nextNegativeTtl() {
    return negativeTtl.isZero() ? negativeTtl : applyJitter(negativeTtl);
  }

  /**
   * Applies this policy's jitter to an explicit TTL.
   *
   * @param ttl a positive TTL; one over {@link #MAX_TTL} counts as {@code MAX_TTL}
   * @return a TTL in {@code [ttl × (1 − jitter), ttl]} (with {@code ttl} clamped to {@link
   *     #MAX_TTL}), never shorter than one millisecond
   * @throws NullPointerException if {@code ttl} is null
   * @throws IllegalArgumentException if {@code ttl} is zero or negative
   */
  public Duration applyJitter(Duration ttl) {
    requirePositive(ttl, "ttl");
    Duration clamped = clamp(ttl);
    if (jitter == 0.0) {
      return clamped;
    }
    long nanos = clamped.toNanos();
    long spread = (long) (nanos * jitter);
    if (spread <= 0) {
      return clamped;
    }
    long shortened = nanos - ThreadLocalRandom.current().nextLong(spread + 1);
    return Duration.ofNanos(Math.max(shortened, 1_000_000L));
  }

  private static Duration clamp(Duration ttl) {
    return ttl.compareTo(MAX_TTL) > 0 ? MAX_TTL : ttl;
  }

  static Duration requirePositive(@Nullable Duration ttl, String name) {
    Objects.requireNonNull(ttl, () -> name + " must not be null");
    if (ttl.isZero() || ttl.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive but was " + ttl);
    }
    return ttl;
  }

  @Override
  public String toString() {
    return "TtlPolicy{defaultTtl="
        + (defaultTtl == null ? "eternal" : defaultTtl)
        + ", jitter="
        + jitter
        + ", negativeTtl="
        + negativeTtl
        + '}';
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof TtlPolicy other
        && Objects.equals(defaultTtl, other.defaultTtl)
        && jitter == other.jitter
        && negativeTtl.equals(other.negativeTtl);
  }

  @Override
  public int hashCode() {
    return Objects.hash(defaultTtl, jitter, negativeTtl);
  }

  /** Builds a {@link TtlPolicy}. Not thread-safe; validated in {@link #build()}. */
  public static final class Builder {
    private @Nullable Duration defaultTtl;
    private double jitter;
    private Duration negativeTtl = Duration.ZERO;

    private Builder() {}

    /**
     * Sets the TTL of entries written without an explicit one.
     *
     * @param defaultTtl a positive duration, or {@code null} for "never expire"; one over {@link
     *     #MAX_TTL} is clamped to it
     * @return this builder
     */
    public Builder defaultTtl(@Nullable Duration defaultTtl) {
      this.defaultTtl = defaultTtl;
      return this;
    }

    /**
     * Sets the jitter: the largest share of a TTL that may be cut off at random.
     *
     * @param jitter a fraction in {@code [0, 1)}; 0.1 lets entries expire up to 10% early
     * @return this builder
     */
    public Builder jitter(double jitter) {
      this.jitter = jitter;
      return this;
    }

    /**
     * Enables negative caching: a loader's "not found" is remembered for this long.
     *
     * @param negativeTtl a positive duration, or {@link Duration#ZERO} to turn it off; one over
     *     {@link #MAX_TTL} is clamped to it
     * @return this builder
     */
    public Builder negativeTtl(Duration negativeTtl) {
      this.negativeTtl = negativeTtl;
      return this;
    }

    /**
     * Validates the settings and builds the policy. A default or negative TTL over {@link #MAX_TTL}
     * is clamped to {@code MAX_TTL}.
     *
     * @return the policy
     * @throws IllegalArgumentException naming the field and value that is out of range
     * @throws NullPointerException if {@code negativeTtl} was set to null
     */
    public TtlPolicy build() {
      if (defaultTtl != null) {
        requirePositive(defaultTtl, "defaultTtl");
      }
      if (!(jitter >= 0.0 && jitter < 1.0)) {
        throw new IllegalArgumentException("jitter must be in [0, 1) but was " + jitter);
      }
      Objects.requireNonNull(negativeTtl, "negativeTtl must not be null (use Duration.ZERO)");
      if (negativeTtl.isNegative()) {
        throw new IllegalArgumentException(
            "negativeTtl must be zero (off) or positive but was " + negativeTtl);
      }
      return new TtlPolicy(
          defaultTtl == null ? null : clamp(defaultTtl), jitter, clamp(negativeTtl));
    }
  }
}
