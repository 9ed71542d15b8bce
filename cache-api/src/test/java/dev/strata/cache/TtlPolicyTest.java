package dev.strata.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TtlPolicyTest {

  @Test
  void jitterOnlyShortensTtlsWithinItsShare() {
    TtlPolicy policy =
        TtlPolicy.builder()
            .defaultTtl(Duration.ofSeconds(100))
            .jitter(0.2)
            .negativeTtl(Duration.ofSeconds(10))
            .build();
    long shortest = Long.MAX_VALUE;
    long longest = 0;
    for (int i = 0; i < 10_000; i++) {
      long ttl = policy.nextDefaultTtl().toMillis();
      shortest = Math.min(shortest, ttl);
      longest = Math.max(longest, ttl);
      assertThat(policy.nextNegativeTtl()).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(10));
      assertThat(policy.applyJitter(Duration.ofSeconds(50)))
          .isBetween(Duration.ofSeconds(40), Duration.ofSeconds(50));
    }
    assertThat(shortest).isBetween(80_000L, 81_000L);
    assertThat(longest).isBetween(99_000L, 100_000L);
  }

  @Test
  void withoutJitterTtlsAreExactAndEternalHasNone() {
    TtlPolicy policy = TtlPolicy.of(Duration.ofSeconds(5));

    assertThat(policy.nextDefaultTtl()).isEqualTo(Duration.ofSeconds(5));
    assertThat(policy.cachesNegatives()).isFalse();
    assertThat(policy.nextNegativeTtl()).isZero();
    assertThat(TtlPolicy.eternal().nextDefaultTtl()).isNull();
  }

  @Test
  void badSettingsAreRejectedNamingTheFieldAndValue() {
    assertThatThrownBy(() -> TtlPolicy.of(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("defaultTtl must be positive but was PT-1S");
    assertThatThrownBy(() -> TtlPolicy.builder().jitter(1.0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("jitter must be in [0, 1) but was 1.0");
    assertThatThrownBy(() -> TtlPolicy.builder().jitter(-0.1).build())
        .hasMessage("jitter must be in [0, 1) but was -0.1");
    assertThatThrownBy(() -> TtlPolicy.builder().negativeTtl(Duration.ofMillis(-1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("negativeTtl must be zero (off) or positive but was PT-0.001S");
    assertThatThrownBy(() -> TtlPolicy.builder().negativeTtl(null).build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("negativeTtl must not be null (use Duration.ZERO)");
    assertThatThrownBy(() -> TtlPolicy.eternal().applyJitter(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ttl must be positive but was PT0S");
  }

  @Test
  void ttlsBeyondTheLongestExpressibleAreClampedNotOverflowed() {
    Duration longest = Duration.ofNanos(Long.MAX_VALUE);
    Duration thousandYears = Duration.ofDays(365L * 1000);
    TtlPolicy policy =
        TtlPolicy.builder()
            .defaultTtl(thousandYears)
            .jitter(0.1)
            .negativeTtl(thousandYears)
            .build();

    assertThat(policy.defaultTtl()).isEqualTo(longest);
    assertThat(policy.negativeTtl()).isEqualTo(longest);
    for (int i = 0; i < 100; i++) {
      assertThat(policy.nextDefaultTtl())
          .isBetween(Duration.ofNanos(Long.MAX_VALUE / 10 * 9), longest);
      assertThat(policy.nextNegativeTtl())
          .isBetween(Duration.ofNanos(Long.MAX_VALUE / 10 * 9), longest);
      assertThat(policy.applyJitter(Duration.ofSeconds(Long.MAX_VALUE)))
          .isLessThanOrEqualTo(longest);
    }
    assertThat(TtlPolicy.eternal().applyJitter(Duration.ofSeconds(Long.MAX_VALUE)))
        .isEqualTo(longest);
  }
}
