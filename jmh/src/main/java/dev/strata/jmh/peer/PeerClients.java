package dev.strata.jmh.peer;

import dev.strata.jmh.BenchmarkRedis;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The peer libraries' clients on a benchmark's private redis-server, configured alike everywhere.
 */
final class PeerClients {

  private PeerClients() {}

  /**
   * Redisson on one server with {@code StringCodec} (not the Kryo default), everything else
   * Redisson's defaults. The caller shuts it down.
   */
  static RedissonClient redisson(BenchmarkRedis redis) {
    Config config = new Config();
    config.setCodec(StringCodec.INSTANCE);
    config.useSingleServer().setAddress("redis://" + redis.host() + ":" + redis.port());
    return Redisson.create(config);
  }

  /**
   * A started Spring {@code LettuceConnectionFactory} on the server (its default shared native
   * connection). The caller destroys it.
   */
  static LettuceConnectionFactory springConnectionFactory(BenchmarkRedis redis) {
    LettuceConnectionFactory factory =
        new LettuceConnectionFactory(new RedisStandaloneConfiguration(redis.host(), redis.port()));
    factory.afterPropertiesSet();
    factory.start();
    return factory;
  }
}
