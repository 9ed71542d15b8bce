package dev.strata.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.testsupport.RedisCluster;
import dev.strata.testsupport.WithRedisCluster;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link AbstractSessionHardeningTest} on the 3-master cluster, where a session and its principal
 * index live in different slots, plus the documented bound of that layout.
 */
@WithRedisCluster
class SessionHardeningClusterTest extends AbstractSessionHardeningTest {

  private RedisCluster cluster;
  private RedisClusterCommands<String, String> raw;

  @BeforeEach
  void setUp(RedisCluster cluster) {
    this.cluster = cluster;
    RedisClusterClient client = RedisClusterClient.create(cluster.uri());
    closeables.add(() -> client.shutdown(Duration.ZERO, Duration.ofSeconds(1)));
    var connection = client.connect();
    closeables.add(connection);
    raw = connection.sync();
  }

  @Override
  RedisSessionStore newStore(UnaryOperator<RedisSessionStore.Builder> options) {
    RedisClusterClient client = RedisClusterClient.create(cluster.uri());
    closeables.add(() -> client.shutdown(Duration.ZERO, Duration.ofSeconds(1)));
    RedisSessionStore store = options.apply(defaults(RedisSessionStore.builder(client))).build();
    closeables.add(store);
    return store;
  }

  @Override
  RedisClusterCommands<String, String> raw() {
    return raw;
  }

  @Test
  void theIndexAndTheSessionAreInDifferentSlotsAndALoginWhoseIndexStepFailsIsReported() {
    RedisSessionStore store = newStore(b -> b.maxSessionsPerPrincipal(1));
    String index = store.principalKey("bounded-user");
    raw.set(index, "not a sorted set");
    Session s = store.create();
    s.setPrincipal("bounded-user");
    assertThat(RedisCluster.slotOf(index))
        .isNotEqualTo(RedisCluster.slotOf(store.sessionKey(s.getId())));

    // The bound: the session is written, its index step fails, and the caller is told so.
    assertThatThrownBy(() -> store.save(s)).isInstanceOf(SessionStoreUnavailableException.class);
    assertThat(store.find(s.getId())).isPresent();
    raw.del(index);
    assertThat(store.findByPrincipal("bounded-user")).isEmpty();
    // The next login of the principal indexes normally and the cap holds again.
    Session next = store.create();
    next.setPrincipal("bounded-user");
    store.save(next);
    assertThat(store.findByPrincipal("bounded-user")).containsExactly(next.getId());
  }
}
