package dev.strata.session.servlet;

import dev.strata.session.RedisSessionStore;
import dev.strata.session.SessionStore;
import dev.strata.testsupport.RedisServer;
import dev.strata.testsupport.WithRedis;
import org.junit.jupiter.api.BeforeEach;

/** The stateless-servers suite on one standalone Redis. */
@WithRedis
class StatelessServersOnRedisTest extends AbstractStatelessServersTest {

  private RedisServer redis;

  @BeforeEach
  void useRedis(RedisServer redis) {
    this.redis = redis;
  }

  @Override
  protected SessionStore newStore() {
    return RedisSessionStore.builder(redis.uri()).build();
  }

  @Override
  protected boolean sessionKeyExists(String id) {
    return Long.valueOf(1).equals(redis.command("EXISTS", "strata:s:{" + id + "}"));
  }
}
