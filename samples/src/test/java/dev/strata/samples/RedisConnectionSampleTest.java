package dev.strata.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.strata.samples.RedisConnectionSample.Report;
import dev.strata.testsupport.RedisServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RedisConnectionSampleTest {

  private static final String SECRET = "sample-secret-7Qx";

  @Test
  void connectsWithTheSuppliedPasswordAndNeverPrintsIt() {
    try (RedisServer redis = RedisServer.builder().setting("requirepass", SECRET).start()) {
      assumeThat(redis.isExternal()).as("needs a server it can protect with a password").isFalse();

      Report report =
          RedisConnectionSample.run(
              "redis://" + redis.host() + ":" + redis.port(), SECRET::toCharArray);

      assertThat(report.ping()).isEqualTo("PONG");
      assertThat(report.clientName()).isEqualTo("samples");
      assertThat(report.passwordReads()).isGreaterThanOrEqualTo(2);
      assertThat(report.settings()).doesNotContain(SECRET);
      assertThat(report.redactedExample())
          .isEqualTo("redis://orders-app:****@cache.internal:6379/0");
      assertThat(report.keyLayout())
          .containsEntry("cache entry (users, key 42)", "shop:prod:c:users:42")
          .containsEntry("sessions of a principal", "shop:prod:s:p:alice")
          .containsEntry("invalidation channel (users)", "shop:prod:i:users");

      ByteArrayOutputStream text = new ByteArrayOutputStream();
      RedisConnectionSample.print(report, new PrintStream(text, true, StandardCharsets.UTF_8));
      assertThat(text.toString(StandardCharsets.UTF_8))
          .contains("PING -> PONG", "shop:prod:v:users")
          .doesNotContain(SECRET);
    }
  }
}
