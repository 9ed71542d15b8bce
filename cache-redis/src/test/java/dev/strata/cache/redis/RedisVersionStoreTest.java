package dev.strata.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.strata.testsupport.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Redis version store on its own server, which these tests stop and restart. */
class RedisVersionStoreTest {

  private RedisServer server;
  private final List<RedisClient> clients = new ArrayList<>();
  private final List<RedisVersionStore> stores = new ArrayList<>();

  @BeforeEach
  void startRedis() {
    server = RedisServer.start();
  }

  @AfterEach
  void stop() {
    stores.forEach(RedisVersionStore::close);
    clients.forEach(RedisClient::shutdown);
    server.close();
  }

  private RedisVersionStore.Builder store() {
    RedisClient client = RedisClient.create(server.uri());
    clients.add(client);
    return RedisVersionStore.builder(client).commandTimeout(Duration.ofSeconds(5));
  }

  private RedisVersionStore build(RedisVersionStore.Builder builder) {
    RedisVersionStore store = builder.build();
    stores.add(store);
    return store;
  }

  @Test
  void countersLiveInRedisUnderThePrefix() {
    RedisVersionStore store = build(store().keyPrefix("app"));

    store.bump("users");
    store.bump("users");

    assertThat(store.redisKey("users")).isEqualTo("app:v:users");
    assertThat(server.command("GET", "app:v:users")).isEqualTo("2");
  }

  @Test
  void aVersionIsServedLocallyUntilTheLocalTtlThenReadAgain() {
    RedisVersionStore store = build(store().localTtl(Duration.ofMillis(300)));
    assertThat(store.version("ns")).isZero();

    server.command("SET", store.redisKey("ns"), "7");

    assertThat(store.version("ns")).as("still the local copy").isZero();
    await().atMost(Duration.ofSeconds(10)).until(() -> store.version("ns") == 7);
  }

  @Test
  void aZeroLocalTtlAlwaysAsksRedis() {
    RedisVersionStore store = build(store().localTtl(Duration.ZERO));
    assertThat(store.version("ns")).isZero();

    server.command("SET", store.redisKey("ns"), "3");

    assertThat(store.version("ns")).isEqualTo(3);
  }

  @Test
  void whenRedisIsDownTheLastKnownVersionIsServedAndUnknownOnesNeverMatchAStoredKey() {
    RedisVersionStore store =
        build(store().localTtl(Duration.ofMillis(50)).commandTimeout(Duration.ofMillis(300)));
    store.bump("known");
    store.bump("known");

    server.kill();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> store.version("known") == 2 && store.failureCount() > 0);
    long first = store.version("never-seen");
    long second = store.version("never-seen");
    assertThat(first).isNegative();
    assertThat(second).isNegative().isNotEqualTo(first);
    assertThatThrownBy(() -> store.bump("known"))
        .isInstanceOf(RedisException.class)
        .hasMessageContaining("could not bump");

    server.restart();

    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> store.bump("known") == 1);
    assertThat(store.version("known"))
        .as("Redis lost its counters; it is the authority")
        .isEqualTo(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> store.version("never-seen") == 0);
  }

  @Test
  void aCorruptCounterIsAFailureNotAVersion() {
    RedisVersionStore store = build(store().localTtl(Duration.ZERO));
    server.command("SET", store.redisKey("ns"), "not-a-number");

    assertThat(store.version("ns")).isNegative();
    assertThat(store.failureCount()).isEqualTo(1);
  }

  @Test
  void concurrentBumpsEachGetTheirOwnVersion() throws Exception {
    RedisVersionStore a = build(store());
    RedisVersionStore b = build(store());
    List<CompletableFuture<Long>> bumps = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      RedisVersionStore store = i % 2 == 0 ? a : b;
      bumps.add(CompletableFuture.supplyAsync(() -> store.bump("ns")));
    }

    List<Long> versions = new ArrayList<>();
    for (CompletableFuture<Long> bump : bumps) {
      versions.add(bump.get());
    }

    assertThat(versions).doesNotHaveDuplicates().hasSize(20).allMatch(v -> v >= 1 && v <= 20);
  }

  @Test
  void theBuilderRejectsBadSettingsNamingThem() {
    RedisClient client = RedisClient.create(server.uri());
    clients.add(client);

    assertThatThrownBy(
            () -> RedisVersionStore.builder(client).localTtl(Duration.ofMillis(-1)).build())
        .hasMessageContaining("localTtl");
    assertThatThrownBy(
            () -> RedisVersionStore.builder(client).commandTimeout(Duration.ZERO).build())
        .hasMessageContaining("commandTimeout must be positive but was PT0S");
    assertThatThrownBy(() -> RedisVersionStore.builder(client).maxLocalVersions(0).build())
        .hasMessageContaining("maxLocalVersions must be positive but was 0");
  }
}
