package dev.strata.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisSettingsTest {

  @Test
  void defaultsFollowThePolicy() {
    RedisSettings standalone = RedisSettings.builder("redis://h:6379").build();
    assertThat(standalone.isCluster()).isFalse();
    assertThat(standalone.commandTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(standalone.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(standalone.requestQueueSize()).isEqualTo(10_000);
    assertThat(standalone.rejectCommandsWhileDisconnected()).isTrue();
    assertThat(standalone.tcpKeepAlive()).isTrue();
    assertThat(standalone.clientResources()).isNull();

    RedisSettings cluster = RedisSettings.clusterBuilder(List.of("redis://h:7000")).build();
    assertThat(cluster.isCluster()).isTrue();
    assertThat(cluster.rejectCommandsWhileDisconnected()).isFalse();
    assertThat(cluster.topologyRefreshPeriod()).isEqualTo(Duration.ofSeconds(15));
    assertThat(cluster.adaptiveTopologyRefresh()).isTrue();
  }

  @Test
  void settingsReachTheLettuceUris() {
    RedisSettings settings =
        RedisSettings.builder("redis://h:6379/3")
            .tls(true)
            .credentials("app", () -> "pw".toCharArray())
            .clientName("orders")
            .commandTimeout(Duration.ofMillis(700))
            .build();
    RedisURI uri = settings.redisUris().get(0);
    assertThat(uri.isSsl()).isTrue();
    assertThat(uri.getClientName()).isEqualTo("orders");
    assertThat(uri.getTimeout()).isEqualTo(Duration.ofMillis(700));
    assertThat(uri.getDatabase()).isEqualTo(3);
    var credentials = uri.getCredentialsProvider().resolveCredentials().block();
    assertThat(credentials.getUsername()).isEqualTo("app");
    assertThat(new String(credentials.getPassword())).isEqualTo("pw");

    RedisURI sentinel =
        RedisSettings.sentinelBuilder("main", List.of("redis://s1:26379", "redis://s2:26380"))
            .build()
            .redisUris()
            .get(0);
    assertThat(sentinel.getSentinelMasterId()).isEqualTo("main");
    assertThat(sentinel.getSentinels()).hasSize(2);
  }

  @Test
  void toStringNeverShowsAPassword() {
    RedisSettings settings =
        RedisSettings.clusterBuilder(List.of("redis://u:topsecret@h1:7000", "redis://h2:7001"))
            .build();
    assertThat(settings.toString())
        .doesNotContain("topsecret")
        .isEqualTo(
            "RedisSettings[cluster redis://h1:7000/0,redis://h2:7001/0, commandTimeout=PT2S,"
                + " requestQueueSize=10000]");
    RedisSettings supplied =
        RedisSettings.builder("redis://h:1").credentials("app", () -> "x".toCharArray()).build();
    assertThat(supplied.toString()).contains("credentials from a supplier (user app)");
  }

  @Test
  void buildValidatesNamingFieldAndValue() {
    assertThatThrownBy(
            () -> RedisSettings.builder("redis://h").commandTimeout(Duration.ZERO).build())
        .hasMessage("commandTimeout must be positive but was PT0S");
    assertThatThrownBy(
            () -> RedisSettings.builder("redis://h").connectTimeout(Duration.ofSeconds(-1)).build())
        .hasMessage("connectTimeout must be positive but was PT-1S");
    assertThatThrownBy(() -> RedisSettings.builder("redis://h").requestQueueSize(0).build())
        .hasMessage("requestQueueSize must be positive but was 0");
    assertThatThrownBy(() -> RedisSettings.builder("redis://h").clientName("a b").build())
        .hasMessage(
            "clientName must be 1 to 100 printable characters without spaces but was 'a b'");
    assertThatThrownBy(
            () ->
                RedisSettings.builder("redis://h")
                    .topologyRefreshPeriod(Duration.ofSeconds(-1))
                    .build())
        .hasMessage("topologyRefreshPeriod must be zero or positive but was PT-1S");
    assertThatThrownBy(() -> RedisSettings.clusterBuilder(List.of()))
        .hasMessage("seedUris must not be empty");
    assertThatThrownBy(() -> RedisSettings.builder("redis://u:topsecret@"))
        .hasMessageStartingWith("uri must be a Redis URI but was 'redis://u:****@'")
        .hasMessageNotContaining("topsecret");
  }
}
