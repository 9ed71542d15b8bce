package dev.strata.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.Test;

class RedisUrisTest {

  @Test
  void redactMasksPasswordsAndKeepsTheRest() {
    assertThat(RedisUris.redact("redis://app:s3cret@host:6379/0"))
        .isEqualTo("redis://app:****@host:6379/0");
    assertThat(RedisUris.redact("rediss://s3cret@host")).isEqualTo("rediss://****@host");
    assertThat(RedisUris.redact("redis-sentinel://s3cret@h1:26379,h2:26379/0#mymaster"))
        .isEqualTo("redis-sentinel://****@h1:26379,h2:26379/0#mymaster");
    assertThat(RedisUris.redact("cannot connect to redis://:p@ss@w0rd@host:1 (refused)"))
        .isEqualTo("cannot connect to redis://:****@host:1 (refused)");
    assertThat(RedisUris.redact("two: redis://a:x@h1 and rediss://b:y@h2/3"))
        .isEqualTo("two: redis://a:****@h1 and rediss://b:****@h2/3");
    assertThat(RedisUris.redact("redis://host:6379")).isEqualTo("redis://host:6379");
    assertThat(RedisUris.redact("mail bob@example.org")).isEqualTo("mail bob@example.org");
    assertThat(RedisUris.redact(null)).isEqualTo("null");
  }

  @Test
  void parseFailuresNeverShowThePassword() {
    assertThatThrownBy(() -> RedisUris.parse("redis://user:topsecret@", "uri"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("uri must be a Redis URI but was 'redis://user:****@'")
        .hasMessageNotContaining("topsecret")
        .hasNoCause();
    assertThatThrownBy(() -> RedisUris.parse("http://user:topsecret@host", "uri"))
        .hasMessageNotContaining("topsecret");
    assertThatThrownBy(() -> RedisUris.parse(null, "seed")).hasMessage("seed must not be null");
  }

  @Test
  void toStringOfAParsedUriHasNoPassword() {
    RedisURI uri = RedisUris.parse("rediss://app:topsecret@host:6380/2", "uri");
    assertThat(RedisUris.toString(uri)).isEqualTo("rediss://host:6380/2");
    RedisURI sentinel =
        RedisUris.parse("redis-sentinel://topsecret@h1:26379,h2:26380/1#main", "uri");
    assertThat(RedisUris.toString(sentinel)).isEqualTo("redis-sentinel://h1:26379,h2:26380/1#main");
  }

  @Test
  void describeRedactsEveryCause() {
    Exception failure =
        new RedisConnectionException(
            "Unable to connect to redis://u:topsecret@h:1",
            new IllegalStateException("again redis://u:topsecret@h:1"));
    assertThat(RedisUris.describe(failure))
        .isEqualTo(
            "RedisConnectionException: Unable to connect to redis://u:****@h:1; caused by"
                + " IllegalStateException: again redis://u:****@h:1");
  }
}
