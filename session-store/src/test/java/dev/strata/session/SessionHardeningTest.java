package dev.strata.session;

import dev.strata.testsupport.RedisServer;
import dev.strata.testsupport.WithRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;

/** {@link AbstractSessionHardeningTest} on one Redis. */
@WithRedis
class SessionHardeningTest extends AbstractSessionHardeningTest {

  private RedisServer redis;
  private RedisClusterCommands<String, String> raw;

  @BeforeEach
  void setUp(RedisServer redis) {
    this.redis = redis;
    RedisClient client = RedisClient.create(redis.uri());
    closeables.add(() -> client.shutdown(Duration.ZERO, Duration.ofSeconds(1)));
    var connection = client.connect();
    closeables.add(connection);
    raw = connection.sync();
  }

  @Override
  RedisSessionStore newStore(UnaryOperator<RedisSessionStore.Builder> options) {
    RedisClient client = RedisClient.create(redis.uri());
    closeables.add(() -> client.shutdown(Duration.ZERO, Duration.ofSeconds(1)));
    RedisSessionStore store = options.apply(defaults(RedisSessionStore.builder(client))).build();
    closeables.add(store);
    return store;
  }

  @Override
  RedisClusterCommands<String, String> raw() {
    return raw;
  }
}
