package dev.strata.jmh;

import dev.strata.cache.CacheLoader;
import dev.strata.cache.redis.RedisCache;
import dev.strata.testsupport.RedisCluster;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A bulk read of {@value #BULK} keys on a private Redis Cluster of three masters (started through
 * strata-test-support), where the keys spread over all slots: {@code strataGetAll} ({@code
 * RedisCache.getAll}: one MGET per slot, each value decoded from Lettuce's buffer) beside {@code
 * rawLettuceMget} (Lettuce's cluster MGET with its UTF-8 codec, which also splits per slot and
 * reassembles). Values of 60 bytes; each side reads keys of its own. Run with {@code -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ClusterBulkReadBenchmark {

  static final int KEYS = 1 << 10;
  static final int BULK = 100;
  private static final int GROUPS = KEYS / BULK;

  private RedisCluster cluster;
  private RedisClusterClient client;
  private StatefulRedisClusterConnection<String, String> rawConnection;
  private RedisAdvancedClusterCommands<String, String> raw;
  private RedisCache<String, String> strata;
  private List<String>[] bulkKeys;
  private String[][] rawBulkKeys;
  private final CacheLoader<String, String> failingLoader = BenchmarkData.failingLoader();
  private int next;

  @Setup(Level.Trial)
  public void start() {
    cluster = RedisCluster.start(3, 0);
    client = RedisClusterClient.create(cluster.seedUris().stream().map(RedisURI::create).toList());
    rawConnection = client.connect();
    raw = rawConnection.sync();
    strata = RedisCache.builder(client).name("cluster-benchmark").build();
    String[] keys = BenchmarkData.keys("key-", KEYS);
    String[] rawKeys = BenchmarkData.keys("raw:key-", KEYS);
    BenchmarkData.writeEach(rawKeys, raw::set);
    strata.putAll(BenchmarkData.entries(keys));
    bulkKeys = BenchmarkData.groupLists(keys, BULK);
    rawBulkKeys = BenchmarkData.groups(rawKeys, BULK);
    BenchmarkData.requireHeld(
        strata.getAll(bulkKeys[0], failingLoader).size() == BULK, "the cache");
  }

  @TearDown(Level.Trial)
  public void stop() {
    strata.close();
    rawConnection.close();
    client.shutdown();
    cluster.close();
  }

  private int nextGroup() {
    return (next++ & Integer.MAX_VALUE) % GROUPS;
  }

  @Benchmark
  public List<KeyValue<String, String>> rawLettuceMget() {
    return raw.mget(rawBulkKeys[nextGroup()]);
  }

  @Benchmark
  public Map<String, String> strataGetAll() {
    return strata.getAll(bulkKeys[nextGroup()], failingLoader);
  }
}
