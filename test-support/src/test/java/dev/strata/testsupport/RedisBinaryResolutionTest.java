package dev.strata.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.testsupport.internal.RedisBinary;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class RedisBinaryResolutionTest {

  @Test
  void embeddedFallbackExtractsARunnableBinary() {
    RedisBinary binary = RedisBinary.resolve("embedded").orElseThrow();

    assertThat(binary.source()).isEqualTo("embedded");
    assertThat(Files.isExecutable(binary.executable())).isTrue();
    assertThat(binary.version()).startsWith("6.2.");
  }

  @Test
  void forcedEmbeddedSourceStartsAServerFromTheEmbeddedBinary() {
    String previous = System.getProperty(RedisBinary.SOURCE_PROPERTY);
    System.setProperty(RedisBinary.SOURCE_PROPERTY, "embedded");
    try (RedisServer redis = RedisServer.start()) {
      assertThat((String) redis.command("INFO", "server")).contains("redis_version:6.2.");
      redis.command("SET", "k", "v");
      assertThat(redis.command("GET", "k")).isEqualTo("v");
    } finally {
      if (previous == null) {
        System.clearProperty(RedisBinary.SOURCE_PROPERTY);
      } else {
        System.setProperty(RedisBinary.SOURCE_PROPERTY, previous);
      }
    }
  }

  @Test
  void mapsOperatingSystemAndCpuToTheEmbeddedResource() {
    assertThat(RedisBinary.embeddedResourceNames("Linux", "amd64"))
        .containsExactly("redis-server-6.2.6-v5-linux-amd64");
    assertThat(RedisBinary.embeddedResourceNames("Linux", "aarch64"))
        .containsExactly("redis-server-6.2.7-linux-arm64");
    assertThat(RedisBinary.embeddedResourceNames("Mac OS X", "aarch64"))
        .containsExactly("redis-server-6.2.6-v5-darwin-arm64");
    assertThat(RedisBinary.embeddedResourceNames("Windows 11", "amd64")).isEmpty();
    for (String name : RedisBinary.embeddedResourceNames("Linux", "amd64")) {
      assertThat(RedisBinary.class.getClassLoader().getResource(name)).isNotNull();
    }
  }

  @Test
  void containerSourceYieldsNoBinary() {
    assertThat(RedisBinary.resolve("container")).isEmpty();
  }

  @Test
  void rejectsAnUnknownSource() {
    assertThatThrownBy(() -> RedisBinary.resolve("docker-hub"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("strata.redis.source")
        .hasMessageContaining("docker-hub");
  }
}
