package dev.strata.jmh;

import dev.strata.session.RedisSessionStore;
import dev.strata.session.Session;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Redis session store against the raw Lettuce commands it replaces, on one private redis-server
 * (started through strata-test-support) and one thread.
 *
 * <p>{@code strataFindSession} ({@code RedisSessionStore.find}: one EVALSHA that loads a session of
 * {@value #ATTRIBUTES} attributes, checks its timestamps and slides its expiry, then parses the
 * reply) beside {@code rawLettuceHgetall} (a synchronous HGETALL of a hash with the same fields).
 * {@code strataSaveOneAttribute} ({@code setAttribute} of one value and {@code save}: one EVALSHA
 * that checks the session is live, writes the field and the access time and refreshes the expiry)
 * beside {@code rawLettuceHset} (a synchronous HSET of one field). Targets: {@code
 * strataFindSession} at least 0.90 × {@code rawLettuceHgetall} and, measured with {@code -prof gc},
 * at most its allocation per call plus 1 KB (the find reads the same reply, as a flat list, and
 * builds the session's attribute map from it); {@code strataSaveOneAttribute} at least 0.80 × its
 * raw twin. The round trip to Redis dominates both.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SessionStoreBenchmark {

  static final int ATTRIBUTES = 10;

  private BenchmarkRedis redis;
  private StatefulRedisConnection<String, byte[]> rawConnection;
  private RedisCommands<String, byte[]> raw;
  private RedisSessionStore store;
  private String sessionId;
  private Session writable;
  private String rawKey;
  private byte[] value;
  private long counter;

  @Setup
  public void setUp() {
    redis = BenchmarkRedis.start();
    rawConnection =
        redis.client().connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
    raw = rawConnection.sync();
    store = BenchmarkSessions.store(redis.client());

    sessionId = BenchmarkSessions.saveSession(store, ATTRIBUTES);
    writable = store.find(sessionId).orElseThrow();

    // The raw hash holds the same fields and bytes as the stored session.
    rawKey = "raw:session:{" + sessionId + "}";
    Map<String, byte[]> copy = raw.hgetall(store.sessionKey(sessionId));
    raw.hset(rawKey, copy);
    value = BenchmarkSessions.attributeValue(0).getBytes(StandardCharsets.UTF_8);
  }

  @TearDown
  public void tearDown() {
    store.close();
    rawConnection.close();
    redis.closeWithoutQuietPeriod();
  }

  @Benchmark
  public Map<String, byte[]> rawLettuceHgetall() {
    return raw.hgetall(rawKey);
  }

  @Benchmark
  public Optional<Session> strataFindSession() {
    return store.find(sessionId);
  }

  @Benchmark
  public Boolean rawLettuceHset() {
    value[0] = (byte) ('a' + (counter++ & 15));
    return raw.hset(rawKey, "a:attribute0", value);
  }

  @Benchmark
  public boolean strataSaveOneAttribute() {
    writable.setAttribute("attribute0", (counter++ & 1) == 0 ? "value-a" : "value-b");
    return store.save(writable);
  }
}
