package dev.strata.testsupport.internal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ExternalRedisTest {

  @Test
  void aMalformedUrlIsRefusedWithoutItsPassword() {
    assertThatThrownBy(() -> ExternalRedis.parse("redis://app:s3cret@host:6379/ bad"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("STRATA_REDIS_URL")
        .hasMessageNotContaining("s3cret")
        .hasNoCause();
  }

  @Test
  void aUrlOfAnotherSchemeIsRefusedWithoutItsPassword() {
    assertThatThrownBy(() -> ExternalRedis.parse("http://app:s3cret@host:6379"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("//***@host:6379")
        .hasMessageNotContaining("s3cret");
  }
}
