package dev.strata.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.testsupport.RedisCluster;
import dev.strata.testsupport.WithRedisCluster;
import io.lettuce.core.cluster.RedisClusterClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The store on a 3-master Redis Cluster: keys of one session share a slot, indexes span slots. */
@WithRedisCluster
class RedisSessionStoreClusterTest {

  private final MutableClock clock = new MutableClock();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private RedisCluster cluster;
  private RedisSessionStore store;

  @BeforeEach
  void setUp(RedisCluster cluster) {
    this.cluster = cluster;
    store = newStore();
  }

  private RedisSessionStore newStore() {
    RedisClusterClient client = RedisClusterClient.create(cluster.uri());
    closeables.add(() -> client.shutdown(Duration.ZERO, Duration.ofSeconds(1)));
    RedisSessionStore s =
        RedisSessionStore.builder(client).clock(clock).maxSessionsPerPrincipal(3).build();
    closeables.add(s);
    return s;
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private Object onOwner(String key, String... command) {
    String[] args = new String[command.length + 1];
    System.arraycopy(command, 0, args, 0, command.length);
    args[command.length] = key;
    return cluster.nodeForSlot(RedisCluster.slotOf(key)).server().command(args);
  }

  @Test
  void changeSessionIdStaysInTheSlotAndIsAtomicOnOneNode() {
    Set<Integer> slots = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      Session s = store.create();
      s.setAttribute("n", i);
      store.save(s);
      String oldId = s.getId();
      Session loaded = store.find(oldId).orElseThrow();
      String newId = store.changeSessionId(loaded);
      int slot = RedisCluster.slotOf(store.sessionKey(oldId));
      slots.add(slot);
      assertThat(RedisCluster.slotOf(store.sessionKey(newId))).isEqualTo(slot);
      assertThat(newId).isNotEqualTo(oldId);
      assertThat(store.find(oldId)).isEmpty();
      assertThat(store.find(newId).orElseThrow().getAttribute("n")).isEqualTo(i);
      assertThat(onOwner(store.sessionKey(newId), "EXISTS")).isEqualTo(1L);
    }
    assertThat(slots).as("sessions spread over many slots").hasSizeGreaterThan(10);
  }

  @Test
  void principalIndexWorksAcrossSlotsAndTheCapEvictsTheOldest() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Session s = store.create();
      s.setPrincipal("gus");
      store.save(s);
      ids.add(s.getId());
      clock.advance(Duration.ofSeconds(1));
    }
    assertThat(store.findByPrincipal("gus")).containsExactlyElementsOf(ids.subList(2, 5));
    Session renamed = store.find(ids.get(4)).orElseThrow();
    String newId = store.changeSessionId(renamed);
    assertThat(store.findByPrincipal("gus")).containsExactly(ids.get(2), ids.get(3), newId);
    assertThat(store.invalidateByPrincipal("gus")).isEqualTo(3);
    assertThat(store.find(newId)).isEmpty();
  }

  @Test
  void concurrentDeltaSavesFromTwoStoresMerge() {
    RedisSessionStore other = newStore();
    Session s = store.create();
    s.setAttribute("keep", "k");
    store.save(s);
    Session onA = store.find(s.getId()).orElseThrow();
    Session onB = other.find(s.getId()).orElseThrow();
    onA.setAttribute("a", "1");
    onB.setAttribute("b", "2");
    onB.removeAttribute("keep");
    store.save(onA);
    other.save(onB);
    Session merged = store.find(s.getId()).orElseThrow();
    assertThat(merged.getAttributeNames()).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void expiryIsJudgedByTimestampsInTheCluster() {
    Session s = store.create();
    store.save(s);
    clock.advance(store.idleTimeout().plusSeconds(1));
    assertThat(store.find(s.getId())).isEmpty();
  }
}
