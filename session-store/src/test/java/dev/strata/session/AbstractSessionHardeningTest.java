package dev.strata.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;

/**
 * The hostile-client and rolling-deploy properties of the session store, run on one Redis and on
 * the 3-master cluster. Every store made by {@link #newStore} has its own client and connection, as
 * two application instances would.
 */
abstract class AbstractSessionHardeningTest {

  static final Duration IDLE = Duration.ofMinutes(30);
  static final Duration LIFETIME = Duration.ofHours(12);

  final MutableClock clock = new MutableClock();
  final List<AutoCloseable> closeables = new ArrayList<>();

  /** Returns a store on its own client, with the test clock and the given options. */
  abstract RedisSessionStore newStore(UnaryOperator<RedisSessionStore.Builder> options);

  /** Returns plain commands on the same Redis, for looking at and tampering with keys. */
  abstract RedisClusterCommands<String, String> raw();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  RedisSessionStore.Builder defaults(RedisSessionStore.Builder b) {
    return b.idleTimeout(IDLE)
        .maxLifetime(LIFETIME)
        .commandTimeout(Duration.ofSeconds(2))
        .clock(clock);
  }

  @Test
  void aStaleRequestCannotShrinkTheTtlSetByAConcurrentOne() {
    RedisSessionStore nodeA = newStore(b -> b);
    RedisSessionStore nodeB = newStore(b -> b);
    Session s = nodeA.create();
    s.setAttribute("x", "1");
    nodeA.save(s);
    Session loadedEarlierOnB = nodeB.find(s.getId()).orElseThrow();
    Session onA = nodeA.find(s.getId()).orElseThrow();
    onA.setMaxInactiveInterval(Duration.ofHours(2));
    assertThat(nodeA.save(onA)).isTrue();
    loadedEarlierOnB.setAttribute("cart", "pear");
    assertThat(nodeB.save(loadedEarlierOnB)).isTrue();

    assertThat(raw().pttl(nodeA.sessionKey(s.getId())))
        .as("time-to-live after the stale save")
        .isGreaterThan(IDLE.toMillis());
    clock.advance(IDLE.plusMinutes(1));
    Session later = nodeB.find(s.getId()).orElseThrow();
    assertThat(later.getMaxInactiveInterval()).isEqualTo(Duration.ofHours(2));
    assertThat(raw().pttl(nodeA.sessionKey(s.getId()))).isGreaterThan(IDLE.toMillis());
  }

  /** A value type a newer release added to the session. */
  record Money(String currency, long cents) {}

  @Test
  void duringARollingDeployOldAndNewNodesNeverDeleteEachOthersAttributes() {
    RedisSessionStore oldNode = newStore(b -> b.codec(JsonAttributeCodec.defaults()));
    RedisSessionStore newNode =
        newStore(
            b -> b.codec(JsonAttributeCodec.builder().allowType("money", Money.class).build()));
    Session s = newNode.create();
    s.setAttribute("price", new Money("EUR", 1250));
    newNode.save(s);
    for (int round = 0; round < 10; round++) {
      Session onOld = oldNode.find(s.getId()).orElseThrow();
      assertThat(onOld.getAttribute("price")).isNull();
      assertThat(onOld.getAttributeNames()).doesNotContain("price");
      onOld.setAttribute("visits", round);
      assertThat(oldNode.save(onOld)).isTrue();

      Session onNew = newNode.find(s.getId()).orElseThrow();
      assertThat(onNew.getAttribute("price")).isEqualTo(new Money("EUR", 1250 + round));
      assertThat(onNew.getAttribute("visits")).isEqualTo(round);
      onNew.setAttribute("price", new Money("EUR", 1250 + round + 1));
      assertThat(newNode.save(onNew)).isTrue();
    }
    assertThat(oldNode.stats().decodeFailures()).isEqualTo(10);
    assertThat(raw().hexists(oldNode.sessionKey(s.getId()), "a:price")).isTrue();

    // The application on the old node may still remove or overwrite it on purpose.
    Session onOld = oldNode.find(s.getId()).orElseThrow();
    onOld.removeAttribute("price");
    oldNode.save(onOld);
    assertThat(raw().hexists(oldNode.sessionKey(s.getId()), "a:price")).isFalse();
  }

  /** A value nested in a collection. */
  record Item(String sku, long quantity) {}

  @Test
  void setsListsOfLongsAndNestedObjectsComeBackWithTheirTypes() {
    JsonAttributeCodec codec =
        JsonAttributeCodec.builder()
            .attributeType("roles", new TypeReference<Set<String>>() {})
            .attributeType("ids", new TypeReference<List<Long>>() {})
            .attributeType("items", new TypeReference<List<Item>>() {})
            .attributeType("byName", new TypeReference<Map<String, Item>>() {})
            .build();
    RedisSessionStore store = newStore(b -> b.codec(codec));
    Session s = store.create();
    s.setAttribute("roles", Set.of("admin", "user"));
    s.setAttribute("ids", List.of(1L, 2L, 3_000_000_000L));
    s.setAttribute("items", List.of(new Item("a", 2), new Item("b", 1)));
    s.setAttribute("byName", Map.of("a", new Item("a", 2)));
    store.save(s);

    Session found = newStore(b -> b.codec(codec)).find(s.getId()).orElseThrow();
    assertThat(found.getAttribute("roles"))
        .isInstanceOf(Set.class)
        .isEqualTo(Set.of("admin", "user"));
    @SuppressWarnings("unchecked")
    List<Object> ids = (List<Object>) found.getAttribute("ids");
    assertThat(ids).containsExactly(1L, 2L, 3_000_000_000L);
    assertThat(ids.get(0)).isInstanceOf(Long.class);
    assertThat(found.getAttribute("items")).isEqualTo(List.of(new Item("a", 2), new Item("b", 1)));
    assertThat(found.getAttribute("byName")).isEqualTo(Map.of("a", new Item("a", 2)));

    // Without a registration, values that would come back with another type are refused.
    Session plain = newStore(b -> b).create();
    assertThatThrownBy(() -> plain.setAttribute("roles", Set.of("admin")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("attribute 'roles'")
        .hasMessageContaining("TypeReference");
    assertThatThrownBy(() -> plain.setAttribute("ids", List.of(1L)))
        .hasMessageContaining("attribute 'ids'")
        .hasMessageContaining("java.lang.Long");
    assertThatThrownBy(() -> plain.setAttribute("items", List.of(new Item("a", 1))))
        .hasMessageContaining("attribute 'items'")
        .hasMessageContaining(Item.class.getName());
  }

  @Test
  void anIdChangeWhoseIndexUpdateFailsKeepsTheUserLoggedIn() {
    RedisSessionStore store = newStore(b -> b);
    Session s = store.create();
    s.setPrincipal("rotating-user");
    s.setAttribute("cart", "full");
    store.save(s);
    String index = store.principalKey("rotating-user");
    raw().del(index);
    raw().set(index, "not a sorted set");

    Session loaded = store.find(s.getId()).orElseThrow();
    String newId = store.changeSessionId(loaded);

    assertThat(loaded.getId()).isEqualTo(newId).isNotEqualTo(s.getId());
    assertThat(store.find(newId).orElseThrow().getAttribute("cart")).isEqualTo("full");
    assertThat(store.find(s.getId())).isEmpty();
  }

  @Test
  void aHundredConcurrentLoginsWithCapOneLeaveExactlyOneSession() throws Exception {
    List<RedisSessionStore> nodes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      nodes.add(newStore(b -> b.maxSessionsPerPrincipal(1)));
    }
    List<String> ids = Collections.synchronizedList(new ArrayList<>());
    runConcurrently(
        100,
        i -> {
          RedisSessionStore node = nodes.get(i % nodes.size());
          Session s = node.create();
          s.setPrincipal("capped-user");
          s.setAttribute("n", i);
          node.save(s);
          ids.add(s.getId());
        });
    RedisSessionStore reader = nodes.get(0);
    long live = ids.stream().filter(id -> reader.find(id).isPresent()).count();
    assertThat(live).as("live sessions of the principal").isEqualTo(1);
    assertThat(reader.findByPrincipal("capped-user")).hasSize(1);
  }

  @Test
  void logOutEverywhereRacingLoginsLeavesNoLiveUnindexedSession() throws Exception {
    RedisSessionStore loginNode = newStore(b -> b);
    RedisSessionStore logoutNode = newStore(b -> b);
    List<String> ids = Collections.synchronizedList(new ArrayList<>());
    for (int round = 0; round < 10; round++) {
      int r = round;
      runConcurrently(
          21,
          i -> {
            if (i == 10) {
              logoutNode.invalidateByPrincipal("racing-user");
            } else {
              Session s = loginNode.create();
              s.setPrincipal("racing-user");
              loginNode.save(s);
              ids.add(s.getId());
            }
          });
      for (String id : ids) {
        if (loginNode.find(id).isPresent()) {
          assertThat(raw().zscore(loginNode.principalKey("racing-user"), id))
              .as("round %d: a live session of the principal is indexed", r)
              .isNotNull();
        }
      }
      assertThat(logoutNode.invalidateByPrincipal("racing-user")).isLessThanOrEqualTo(20);
      assertThat(ids.stream().filter(id -> loginNode.find(id).isPresent())).isEmpty();
      ids.clear();
    }
  }

  @Test
  void concurrentRequestsCannotPushASessionPastMaxSessionBytes() throws Exception {
    RedisSessionStore nodeA = newStore(b -> b.maxAttributeBytes(300).maxSessionBytes(1000));
    RedisSessionStore nodeB = newStore(b -> b.maxAttributeBytes(300).maxSessionBytes(1000));
    Session s = nodeA.create();
    s.setAttribute("base", "x".repeat(100));
    nodeA.save(s);
    List<Session> copies = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Session copy = (i % 2 == 0 ? nodeA : nodeB).find(s.getId()).orElseThrow();
      copy.setAttribute("k" + i, "y".repeat(250));
      copies.add(copy);
    }
    AtomicInteger refused = new AtomicInteger();
    runConcurrently(
        20,
        i -> {
          try {
            (i % 2 == 0 ? nodeA : nodeB).save(copies.get(i));
          } catch (SessionLimitExceededException e) {
            refused.incrementAndGet();
          }
        });
    Map<String, String> stored = raw().hgetall(nodeA.sessionKey(s.getId()));
    long bytes =
        stored.entrySet().stream()
            .filter(e -> e.getKey().startsWith("a:"))
            .mapToLong(e -> e.getKey().length() + e.getValue().length())
            .sum();
    assertThat(bytes).isLessThanOrEqualTo(1000);
    assertThat(refused.get()).isGreaterThanOrEqualTo(17);
    assertThat(nodeA.stats().sizeLimitRejections() + nodeB.stats().sizeLimitRejections())
        .isEqualTo(refused.get());
    assertThat(Long.parseLong(stored.get("bytes"))).isEqualTo(bytes);

    // A session already over the limit (an older, larger setting) loads, counted, and only shrinks.
    raw().hset(nodeA.sessionKey(s.getId()), "a:huge", "z".repeat(2000));
    raw().hdel(nodeA.sessionKey(s.getId()), "bytes");
    Session big = nodeA.find(s.getId()).orElseThrow();
    assertThat(nodeA.stats().oversizedLoads()).isEqualTo(1);
    assertThatThrownBy(() -> big.setAttribute("more", "m"))
        .isInstanceOf(SessionLimitExceededException.class);
    big.removeAttribute("huge");
    assertThat(nodeA.save(big)).isTrue();
  }

  @Test
  void hugeIdleTimeoutsAreClampedAndTheSessionStays() {
    RedisSessionStore store = newStore(b -> b);
    Session s = store.create();
    s.setMaxInactiveInterval(Duration.ofMillis(Long.MAX_VALUE));
    store.save(s);
    assertThat(s.getMaxInactiveInterval()).isEqualTo(LIFETIME);
    Session loaded = store.find(s.getId()).orElseThrow();
    loaded.setMaxInactiveInterval(Duration.ofSeconds(Long.MAX_VALUE));
    loaded.setAttribute("a", "b");
    assertThat(store.save(loaded)).isTrue();
    clock.advance(Duration.ofHours(11));
    assertThat(store.find(s.getId())).isPresent();
    assertThat(raw().pttl(store.sessionKey(s.getId()))).isBetween(1L, LIFETIME.toMillis());
    assertThatThrownBy(() -> newStore(b -> b.maxLifetime(Duration.ofMillis(Long.MAX_VALUE))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxLifetime must be at most PT8784H");
  }

  @Test
  void aLoginRotatesTheIdWhenAsked() {
    RedisSessionStore store = newStore(b -> b.rotateIdOnLogin(true));
    Session s = store.create();
    s.setAttribute("cart", "full");
    store.save(s);
    String anonymousId = s.getId();
    Session loaded = store.find(anonymousId).orElseThrow();
    loaded.setPrincipal("rotated-user");
    assertThat(store.save(loaded)).isTrue();
    assertThat(loaded.getId()).isNotEqualTo(anonymousId);
    assertThat(store.find(anonymousId)).isEmpty();
    assertThat(store.find(loaded.getId()).orElseThrow().getPrincipal()).isEqualTo("rotated-user");
    assertThat(store.findByPrincipal("rotated-user")).containsExactly(loaded.getId());
  }

  @Test
  void twoInstancesUpdatingDifferentAttributesConcurrentlyLoseNothing() throws Exception {
    RedisSessionStore nodeA = newStore(b -> b);
    RedisSessionStore nodeB = newStore(b -> b);
    Session s = nodeA.create();
    s.setAttribute("a", 0);
    s.setAttribute("b", 0);
    nodeA.save(s);
    int rounds = 1000;
    runConcurrently(
        2,
        i -> {
          RedisSessionStore node = i == 0 ? nodeA : nodeB;
          String mine = i == 0 ? "a" : "b";
          for (int round = 0; round < rounds; round++) {
            Session copy = node.find(s.getId()).orElseThrow();
            copy.setAttribute(mine, (Integer) copy.getAttribute(mine) + 1);
            assertThat(node.save(copy)).isTrue();
          }
        });
    Session merged = nodeA.find(s.getId()).orElseThrow();
    assertThat(merged.getAttribute("a")).isEqualTo(rounds);
    assertThat(merged.getAttribute("b")).isEqualTo(rounds);
  }

  interface Task {
    void run(int index) throws Exception;
  }

  /** Runs {@code n} tasks at once (released together) and rethrows the first failure. */
  static void runConcurrently(int n, Task task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(n, 32));
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  task.run(index);
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
