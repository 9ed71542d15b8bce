package dev.strata.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.session.metrics.SessionStoreMetrics;
import dev.strata.testsupport.RedisServer;
import dev.strata.testsupport.WithRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@WithRedis
class RedisSessionStoreTest {

  private static final Duration IDLE = Duration.ofMinutes(30);
  private static final Duration LIFETIME = Duration.ofHours(2);

  private final MutableClock clock = new MutableClock();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private RedisServer redis;
  private RedisClient client;
  private RedisSessionStore store;
  private RedisCommands<String, String> raw;
  private final CommandCounter commands = new CommandCounter();

  @BeforeEach
  void setUp(RedisServer redis) {
    this.redis = redis;
    client = RedisClient.create(redis.uri());
    closeables.add(() -> client.shutdown(Duration.ZERO, Duration.ofSeconds(1)));
    client.addListener(commands);
    store = newStore(client, b -> b);
    StatefulRedisConnection<String, String> connection = client.connect();
    closeables.add(connection);
    raw = connection.sync();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private RedisSessionStore newStore(
      RedisClient c, java.util.function.UnaryOperator<RedisSessionStore.Builder> options) {
    RedisSessionStore s =
        options
            .apply(
                RedisSessionStore.builder(c)
                    .idleTimeout(IDLE)
                    .maxLifetime(LIFETIME)
                    .commandTimeout(Duration.ofMillis(500))
                    .clock(clock))
            .build();
    closeables.add(s);
    return s;
  }

  private Session saved(Map<String, Object> attributes) {
    Session s = store.create();
    attributes.forEach(s::setAttribute);
    assertThat(store.save(s)).isTrue();
    return s;
  }

  @Test
  void savesAndFindsASessionWithItsAttributesAndMetadata() {
    Session s = store.create();
    assertThat(s.isNew()).isTrue();
    s.setAttribute("user", "ann");
    s.setAttribute("visits", 3);
    s.setAttribute("cart", List.of("apple", "pear"));
    store.save(s);
    assertThat(s.isNew()).isFalse();
    assertThat(s.isDirty()).isFalse();

    clock.advance(Duration.ofMinutes(1));
    Session found = store.find(s.getId()).orElseThrow();
    assertThat(found.isNew()).isFalse();
    assertThat(found.getAttributeNames()).containsExactlyInAnyOrder("user", "visits", "cart");
    assertThat(found.getAttribute("user")).isEqualTo("ann");
    assertThat(found.getAttribute("visits")).isEqualTo(3);
    assertThat(found.getAttribute("cart")).isEqualTo(List.of("apple", "pear"));
    assertThat(found.getCreationTime()).isEqualTo(s.getCreationTime());
    assertThat(found.getLastAccessedTime()).isEqualTo(clock.instant());
    assertThat(found.getMaxInactiveInterval()).isEqualTo(IDLE);
    assertThat(found.getAbsoluteExpiryTime()).isEqualTo(s.getCreationTime().plus(LIFETIME));

    String key = store.sessionKey(s.getId());
    assertThat(key).isEqualTo("strata:s:{" + s.getId() + "}");
    assertThat(raw.hkeys(key))
        .contains("created", "accessed", "idle", "expires", "a:user", "a:visits", "a:cart");
    assertThat(raw.pttl(key)).isBetween(1L, IDLE.toMillis());
    assertThat(store.stats().created()).isEqualTo(1);
    assertThat(store.stats().loads()).isEqualTo(1);
  }

  @Test
  void aFindIsOneScriptCallAndASaveIsOneScriptCall() {
    Session s = saved(Map.of("a", "1"));
    int before = commands.count();
    Session found = store.find(s.getId()).orElseThrow();
    // One script loads the hash and slides the expiry.
    assertThat(commands.since(before)).containsExactly("EVALSHA");
    int afterFind = commands.count();
    found.setAttribute("b", "2");
    store.save(found);
    assertThat(commands.since(afterFind)).containsExactly("EVALSHA");
    int afterSave = commands.count();
    assertThat(store.find(s.getId()).orElseThrow().getAttribute("a")).isEqualTo("1");
    assertThat(store.save(store.find(s.getId()).orElseThrow())).isTrue();
    assertThat(commands.since(afterSave)).as("an unchanged session is not saved").hasSize(2);
  }

  @Test
  void concurrentDeltaSavesFromTwoStoresOnSeparateConnectionsBothSurvive() throws Exception {
    RedisClient otherClient = RedisClient.create(redis.uri());
    closeables.add(() -> otherClient.shutdown(Duration.ZERO, Duration.ofSeconds(1)));
    RedisSessionStore other = newStore(otherClient, b -> b);
    Session s = saved(Map.of("keep", "k", "gone", "g"));

    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 20; round++) {
        Session onA = store.find(s.getId()).orElseThrow();
        Session onB = other.find(s.getId()).orElseThrow();
        onA.setAttribute("a", "a" + round);
        onB.setAttribute("b", "b" + round);
        if (round == 0) {
          onB.removeAttribute("gone");
        }
        CyclicBarrier barrier = new CyclicBarrier(2);
        Future<Boolean> saveA =
            pool.submit(
                () -> {
                  barrier.await();
                  return store.save(onA);
                });
        Future<Boolean> saveB =
            pool.submit(
                () -> {
                  barrier.await();
                  return other.save(onB);
                });
        assertThat(saveA.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(saveB.get(5, TimeUnit.SECONDS)).isTrue();
        Session merged = store.find(s.getId()).orElseThrow();
        assertThat(merged.getAttribute("a")).isEqualTo("a" + round);
        assertThat(merged.getAttribute("b")).isEqualTo("b" + round);
        assertThat(merged.getAttribute("keep")).isEqualTo("k");
        assertThat(merged.getAttribute("gone")).isNull();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void idleTimeoutSlidesOnEachAccess() {
    Session s = saved(Map.of("x", "y"));
    for (int i = 0; i < 3; i++) {
      clock.advance(IDLE.minusMinutes(1));
      assertThat(store.find(s.getId())).as("access %d", i).isPresent();
    }
    clock.advance(IDLE);
    assertThat(store.find(s.getId())).isEmpty();
    assertThat(store.stats().expired()).isEqualTo(1);
  }

  @Test
  void absoluteLifetimeDoesNotSlide() {
    Session s = saved(Map.of("x", "y"));
    Duration step = Duration.ofMinutes(20);
    for (Duration elapsed = step; elapsed.compareTo(LIFETIME) < 0; elapsed = elapsed.plus(step)) {
      clock.advance(step);
      assertThat(store.find(s.getId())).as("after %s", elapsed).isPresent();
    }
    clock.advance(step);
    assertThat(store.find(s.getId())).as("after the lifetime").isEmpty();
    assertThat(raw.pttl(store.sessionKey(s.getId()))).isPositive();
  }

  @Test
  void anExpiredSessionIsNotResurrectedByASave() {
    Session s = saved(Map.of("x", "y"));
    Session loaded = store.find(s.getId()).orElseThrow();
    clock.advance(IDLE.plusSeconds(1));
    loaded.setAttribute("late", "write");
    assertThat(store.save(loaded)).isFalse();
    assertThat(raw.hexists(store.sessionKey(s.getId()), "a:late")).isFalse();
  }

  @Test
  void anInvalidatedSessionIsNotResurrectedByAConcurrentSave() {
    Session s = saved(Map.of("x", "y"));
    Session loaded = store.find(s.getId()).orElseThrow();
    store.invalidate(s.getId());
    loaded.setAttribute("late", "write");
    assertThat(store.save(loaded)).isFalse();
    assertThat(raw.exists(store.sessionKey(s.getId()))).isZero();
    assertThat(store.find(s.getId())).isEmpty();
    assertThat(store.stats().invalidated()).isEqualTo(1);
  }

  @Test
  void maxInactiveIntervalChangeIsSavedAndApplied() {
    Session s = saved(Map.of());
    Session loaded = store.find(s.getId()).orElseThrow();
    loaded.setMaxInactiveInterval(Duration.ofMinutes(5));
    store.save(loaded);
    assertThat(raw.pttl(store.sessionKey(s.getId()))).isLessThanOrEqualTo(300_000L);
    clock.advance(Duration.ofMinutes(6));
    assertThat(store.find(s.getId())).isEmpty();
    assertThatThrownBy(() -> loaded.setMaxInactiveInterval(Duration.ZERO))
        .hasMessageContaining("maxInactiveInterval must be positive but was PT0S");
  }

  @Test
  void changeSessionIdKeepsAttributesAndTtlAndRemovesTheOldId() {
    Session s = saved(Map.of("cart", List.of("a")));
    s.setPrincipal("ann");
    store.save(s);
    String oldId = s.getId();
    Session loaded = store.find(oldId).orElseThrow();
    String newId = store.changeSessionId(loaded);

    assertThat(newId).isNotEqualTo(oldId).isEqualTo(loaded.getId());
    assertThat(store.find(oldId)).isEmpty();
    Session renamed = store.find(newId).orElseThrow();
    assertThat(renamed.getAttribute("cart")).isEqualTo(List.of("a"));
    assertThat(renamed.getCreationTime()).isEqualTo(s.getCreationTime());
    assertThat(raw.pttl(store.sessionKey(newId))).isPositive();
    assertThat(store.findByPrincipal("ann")).containsExactly(newId);
  }

  @Test
  void changeSessionIdOfAGoneSessionFailsClearlyAndOfANewSessionIsLocal() {
    Session s = saved(Map.of());
    Session loaded = store.find(s.getId()).orElseThrow();
    store.invalidate(s.getId());
    assertThatThrownBy(() -> store.changeSessionId(loaded))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no longer exists");

    Session fresh = store.create();
    String before = fresh.getId();
    int sent = commands.count();
    assertThat(store.changeSessionId(fresh)).isNotEqualTo(before);
    assertThat(commands.count()).isEqualTo(sent);
  }

  @Test
  void findsAndInvalidatesSessionsByPrincipalAndPrunesTheIndexLazily() {
    Session a = saved(Map.of());
    a.setPrincipal("bob");
    store.save(a);
    clock.advance(Duration.ofSeconds(1));
    Session b = saved(Map.of());
    b.setPrincipal("bob");
    store.save(b);
    Session other = saved(Map.of());
    other.setPrincipal("carol");
    store.save(other);

    assertThat(store.findByPrincipal("bob")).containsExactly(a.getId(), b.getId());
    store.invalidate(a.getId());
    assertThat(store.findByPrincipal("bob")).containsExactly(b.getId());
    assertThat(raw.zcard(store.principalKey("bob"))).isEqualTo(1);
    assertThat(raw.pttl(store.principalKey("bob"))).isBetween(1L, LIFETIME.toMillis());

    assertThat(store.invalidateByPrincipal("bob")).isEqualTo(1);
    assertThat(store.find(b.getId())).isEmpty();
    assertThat(store.findByPrincipal("bob")).isEmpty();
    assertThat(store.find(other.getId())).isPresent();

    clock.advance(LIFETIME.plusMinutes(1));
    assertThat(store.findByPrincipal("carol")).isEmpty();
    assertThat(raw.zcard(store.principalKey("carol"))).isZero();
  }

  @Test
  void clearingOrChangingThePrincipalUpdatesTheIndex() {
    Session s = saved(Map.of());
    s.setPrincipal("dan");
    store.save(s);
    s.setPrincipal("erin");
    store.save(s);
    assertThat(raw.zcard(store.principalKey("dan"))).isZero();
    assertThat(store.findByPrincipal("erin")).containsExactly(s.getId());
    Session loaded = store.find(s.getId()).orElseThrow();
    assertThat(loaded.getPrincipal()).isEqualTo("erin");
    loaded.setPrincipal(null);
    store.save(loaded);
    assertThat(store.findByPrincipal("erin")).isEmpty();
    assertThat(store.find(s.getId()).orElseThrow().getPrincipal()).isNull();
  }

  @Test
  void capOnSessionsPerPrincipalEvictsTheOldest() {
    RedisSessionStore capped = newStore(client, b -> b.maxSessionsPerPrincipal(2));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Session s = capped.create();
      s.setPrincipal("fay");
      capped.save(s);
      ids.add(s.getId());
      clock.advance(Duration.ofSeconds(1));
    }
    assertThat(capped.findByPrincipal("fay")).containsExactly(ids.get(2), ids.get(3));
    assertThat(capped.find(ids.get(0))).isEmpty();
    assertThat(capped.find(ids.get(1))).isEmpty();
    assertThat(capped.find(ids.get(3))).isPresent();
    assertThat(capped.stats().evicted()).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "short",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+A",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA*A",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB",
        "x}:{y",
        "6F9619FF8B86D011B42D00C04FC964FF"
      })
  void malformedIdsFindNothingWithoutAnyRedisCall(String id) {
    int before = commands.count();
    assertThat(store.find(id)).isEmpty();
    store.invalidate(id);
    assertThat(commands.count()).isEqualTo(before);
    assertThat(store.stats().rejectedIds()).isEqualTo(2);
    assertThat(store.find(null)).isEmpty();
  }

  @Test
  void aWellFormedUnknownIdIsAMiss() {
    assertThat(store.find(store.create().getId())).isEmpty();
    assertThat(store.stats().loadMisses()).isEqualTo(1);
  }

  @Test
  void attributeAndSessionSizeLimitsFailClearlyAndWriteNothing() {
    RedisSessionStore limited =
        newStore(client, b -> b.maxAttributeBytes(100).maxSessionBytes(200));
    Session s = limited.create();
    s.setAttribute("small", "x".repeat(50));
    limited.save(s);
    Session loaded = limited.find(s.getId()).orElseThrow();

    assertThatThrownBy(() -> loaded.setAttribute("big", "x".repeat(200)))
        .isInstanceOf(SessionLimitExceededException.class)
        .hasMessageContaining("attribute 'big' needs")
        .hasMessageContaining("maxAttributeBytes is 100");
    loaded.setAttribute("b1", "x".repeat(90));
    assertThatThrownBy(() -> loaded.setAttribute("b2", "x".repeat(90)))
        .isInstanceOf(SessionLimitExceededException.class)
        .hasMessageContaining("maxSessionBytes is 200");
    assertThat(loaded.getAttribute("b2")).isNull();
    limited.save(loaded);
    assertThat(raw.hkeys(limited.sessionKey(s.getId())))
        .contains("a:small", "a:b1")
        .doesNotContain("a:big", "a:b2");
    // Replacing a value counts the new size, not both.
    Session again = limited.find(s.getId()).orElseThrow();
    again.setAttribute("b1", "y".repeat(90));
    assertThat(again.getAttribute("b1")).isEqualTo("y".repeat(90));
  }

  @Test
  void corruptAttributeBytesAreSkippedCountedAndKeptInRedis() {
    Session s = saved(Map.of("good", "fine", "cart", List.of("a")));
    String key = store.sessionKey(s.getId());
    raw.hset(key, "a:cart", "\u0000garbage{{");
    raw.hset(key, "a:tagged", "tjava.lang.Runtime\n{}");

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    new SessionStoreMetrics(store, "test").bindTo(registry);
    Session loaded = store.find(s.getId()).orElseThrow();
    assertThat(loaded.getAttribute("cart")).isNull();
    assertThat(loaded.getAttribute("tagged")).isNull();
    assertThat(loaded.getAttribute("good")).isEqualTo("fine");
    assertThat(loaded.getAttributeNames()).containsExactly("good");
    assertThat(loaded.isDirty()).isFalse();
    loaded.setAttribute("other", "x");
    store.save(loaded);

    assertThat(raw.hget(key, "a:cart")).isEqualTo("\u0000garbage{{");
    assertThat(raw.hget(key, "a:tagged")).isEqualTo("tjava.lang.Runtime\n{}");
    assertThat(store.stats().decodeFailures()).isEqualTo(2);
    assertThat(registry.get("strata.session.decode.failures").functionCounter().count())
        .isEqualTo(2.0);
  }

  @Test
  void garbledMetadataIsTreatedAsNoSession() {
    Session s = saved(Map.of("a", "b"));
    raw.hset(store.sessionKey(s.getId()), "idle", "not-a-number");
    assertThat(store.find(s.getId())).isEmpty();
  }

  @Test
  void scriptsAreReloadedAfterTheServerLosesThem() {
    Session s = saved(Map.of("a", "b"));
    redis.command("SCRIPT", "FLUSH");
    assertThat(store.find(s.getId())).isPresent();
    Session again = store.find(s.getId()).orElseThrow();
    again.setAttribute("c", "d");
    redis.command("SCRIPT", "FLUSH");
    assertThat(store.save(again)).isTrue();
  }

  @Test
  void redisKilledFailsClearlyReportsUnavailableAndRecovers() {
    Session s = saved(Map.of("a", "b"));
    assertThat(store.isAvailable()).isTrue();
    redis.kill();
    assertThat(store.isAvailable()).isFalse();
    assertThatThrownBy(() -> store.find(s.getId()))
        .isInstanceOf(SessionStoreUnavailableException.class)
        .hasMessageContaining("session store load");
    Session fresh = store.create();
    fresh.setAttribute("x", "y");
    assertThatThrownBy(() -> store.save(fresh))
        .isInstanceOf(SessionStoreUnavailableException.class);
    assertThat(fresh.isNew()).isTrue();
    assertThat(store.stats().failures()).isGreaterThanOrEqualTo(2);

    redis.restart();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(store::isAvailable);
    assertThat(store.save(fresh)).isTrue();
    assertThat(store.find(fresh.getId()).orElseThrow().getAttribute("x")).isEqualTo("y");
  }

  @Test
  void aSaveThatTimesOutWhileRedisIsSuspendedIsAllOrNothing() {
    Session s = saved(Map.of("a", "old", "b", "old"));
    Session loaded = store.find(s.getId()).orElseThrow();
    loaded.setAttribute("a", "new");
    loaded.setAttribute("b", "new");
    redis.suspend();
    try {
      assertThatThrownBy(() -> store.save(loaded))
          .isInstanceOf(SessionStoreUnavailableException.class)
          .hasMessageContaining("timed out");
      assertThat(store.isAvailable()).isFalse();
    } finally {
      redis.resume();
    }
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(store::isAvailable);
    Map<String, String> stored = raw.hgetall(store.sessionKey(s.getId()));
    assertThat(List.of(stored.get("a:a"), stored.get("a:b")))
        .isIn(List.of("sold", "sold"), List.of("snew", "snew"));
  }

  @Test
  void metricsBinderPublishesCountsAndTimers() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    new SessionStoreMetrics(store, "main").bindTo(registry);
    Session s = saved(Map.of("a", "b"));
    store.find(s.getId());
    store.find(store.create().getId());
    store.find("bad");
    store.invalidate(s.getId());
    assertThat(
            registry.get("strata.session.created").tag("store", "main").functionCounter().count())
        .isEqualTo(1.0);
    assertThat(registry.get("strata.session.load").functionTimer().count()).isEqualTo(2.0);
    assertThat(registry.get("strata.session.load.misses").functionCounter().count()).isEqualTo(1.0);
    assertThat(registry.get("strata.session.save").functionTimer().count()).isEqualTo(1.0);
    assertThat(registry.get("strata.session.save").functionTimer().totalTime(TimeUnit.NANOSECONDS))
        .isPositive();
    assertThat(registry.get("strata.session.invalidated").functionCounter().count()).isEqualTo(1.0);
    assertThat(registry.get("strata.session.rejected.ids").functionCounter().count())
        .isEqualTo(1.0);
  }

  @Test
  void aStoreBuiltFromAUriOwnsAndClosesItsClient() {
    RedisSessionStore owned =
        RedisSessionStore.builder(redis.uri()).keyPrefix("strata").clock(clock).build();
    Session s = owned.create();
    s.setAttribute("k", "v".getBytes(StandardCharsets.UTF_8));
    owned.save(s);
    assertThat((byte[]) store.find(s.getId()).orElseThrow().getAttribute("k"))
        .isEqualTo("v".getBytes(StandardCharsets.UTF_8));
    owned.close();
    owned.close();
    assertThat(owned.isAvailable()).isFalse();
  }

  @Test
  void builderValidatesEveryOptionNamingIt() {
    assertThatThrownBy(() -> RedisSessionStore.builder(client).maxAttributeBytes(-1).build())
        .hasMessage("maxAttributeBytes must be positive but was -1");
    assertThatThrownBy(() -> RedisSessionStore.builder(client).idleTimeout(Duration.ZERO).build())
        .hasMessage("idleTimeout must be positive but was PT0S");
    assertThatThrownBy(
            () -> RedisSessionStore.builder(client).idleTimeout(Duration.ofMillis(10)).build())
        .hasMessageContaining("idleTimeout must be at least 1 second");
    assertThatThrownBy(
            () ->
                RedisSessionStore.builder(client)
                    .idleTimeout(Duration.ofHours(2))
                    .maxLifetime(Duration.ofHours(1))
                    .build())
        .hasMessageContaining("maxLifetime must be at least idleTimeout");
    assertThatThrownBy(() -> RedisSessionStore.builder(client).keyPrefix("a{b").build())
        .hasMessageContaining("keyPrefix");
    assertThatThrownBy(() -> RedisSessionStore.builder(client).maxSessionBytes(10).build())
        .hasMessageContaining("maxSessionBytes must be at least maxAttributeBytes");
    assertThatThrownBy(() -> RedisSessionStore.builder(client).maxSessionsPerPrincipal(-2).build())
        .hasMessage("maxSessionsPerPrincipal must be zero or positive but was -2");
    assertThatThrownBy(
            () -> RedisSessionStore.builder(client).commandTimeout(Duration.ofSeconds(-1)).build())
        .hasMessage("commandTimeout must be positive but was PT-1S");
    assertThatThrownBy(() -> RedisSessionStore.builder("redis://127.0.0.1:1").build())
        .isInstanceOf(SessionStoreUnavailableException.class);
    assertThatThrownBy(() -> RedisSessionStore.builder("redis://app:s3cr3t-pw@127.0.0.1:1").build())
        .isInstanceOf(SessionStoreUnavailableException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t-pw"));
  }

  @Test
  void principalsAreValidated() {
    Session s = store.create();
    assertThatThrownBy(() -> s.setPrincipal(""))
        .hasMessageContaining("principal must be 1 to 1024 characters");
    assertThatThrownBy(() -> s.setPrincipal("x".repeat(1025)))
        .hasMessageContaining("principal must be 1 to 1024 characters");
  }

  @Test
  void aNewSessionCannotBeSavedTwiceByTwoObjectsUnderOneId() {
    Session s = saved(Map.of("a", "1"));
    Session loaded = store.find(s.getId()).orElseThrow();
    assertThat(loaded.isNew()).isFalse();
    // A second new session is always a different id, so two creates never collide.
    assertThat(store.create().getId()).isNotEqualTo(s.getId());
  }
}
