package dev.strata.jmh;

import com.github.benmanes.caffeine.cache.Cache;
import dev.strata.cache.TtlPolicy;
import dev.strata.cache.local.LocalCache;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link LocalCache} against the raw Caffeine cache it wraps ({@link RawCaffeine}), configured
 * alike: the same maximum size, a 10-minute TTL and statistics on (Caffeine's {@code
 * recordStats()}; Strata records statistics by default). Both caches hold the same {@value #KEYS}
 * keys, so every lookup hits. The {@code 2T} variants run the same lookups from two threads at
 * once.
 *
 * <p>{@code strataGetHit / rawCaffeineGetHit} is the cost of the Strata wrapper on a hit (target
 * 0.90 or better); {@code strataPut / rawCaffeinePut} the cost on a write.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LocalCacheBenchmark {

  /** Number of distinct keys; a power of two so that a mask picks the next one. */
  static final int KEYS = 1 << 14;

  private static final Duration TTL = RawCaffeine.TTL;

  private final Integer[] keys = new Integer[KEYS];
  private final String[] values = new String[KEYS];
  private Cache<Integer, String> raw;
  private LocalCache<Integer, String> strata;

  /** Each thread walks the key array from its own start. */
  @State(Scope.Thread)
  public static class Cursor {
    private int next;

    @Setup
    public void start() {
      next = System.identityHashCode(this);
    }

    int nextIndex() {
      return next++ & (KEYS - 1);
    }
  }

  @Setup
  public void fill() {
    raw = RawCaffeine.newCache(2L * KEYS);
    strata =
        LocalCache.<Integer, String>builder()
            .name("benchmark")
            .maximumSize(2L * KEYS)
            .ttl(TtlPolicy.of(TTL))
            .build();
    for (int i = 0; i < KEYS; i++) {
      keys[i] = i * 31;
      values[i] = "value-" + i;
      raw.put(keys[i], values[i]);
      strata.put(keys[i], values[i]);
    }
  }

  @Benchmark
  @Threads(1)
  public String rawCaffeineGetHit(Cursor cursor) {
    return raw.getIfPresent(keys[cursor.nextIndex()]);
  }

  @Benchmark
  @Threads(1)
  public String strataGetHit(Cursor cursor) {
    return strata.getIfPresent(keys[cursor.nextIndex()]);
  }

  @Benchmark
  @Threads(2)
  public String rawCaffeineGetHit2T(Cursor cursor) {
    return raw.getIfPresent(keys[cursor.nextIndex()]);
  }

  @Benchmark
  @Threads(2)
  public String strataGetHit2T(Cursor cursor) {
    return strata.getIfPresent(keys[cursor.nextIndex()]);
  }

  @Benchmark
  @Threads(1)
  public void rawCaffeinePut(Cursor cursor) {
    int i = cursor.nextIndex();
    raw.put(keys[i], values[i]);
  }

  @Benchmark
  @Threads(1)
  public void strataPut(Cursor cursor) {
    int i = cursor.nextIndex();
    strata.put(keys[i], values[i]);
  }
}
