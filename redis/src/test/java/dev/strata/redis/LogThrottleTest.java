package dev.strata.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LogThrottleTest {

  @Test
  void letsOneLineThroughPerIntervalAndCountsTheRest() {
    LogThrottle throttle = new LogThrottle(Duration.ofHours(1));
    assertThat(throttle.permit()).isTrue();
    for (int i = 0; i < 5; i++) {
      assertThat(throttle.permit()).isFalse();
    }
    assertThat(throttle.takeSuppressed()).isEqualTo(5);
    assertThat(throttle.takeSuppressed()).isZero();
  }

  @Test
  void permitsAgainAfterTheInterval() throws Exception {
    LogThrottle throttle = new LogThrottle(Duration.ofNanos(1));
    assertThat(throttle.permit()).isTrue();
    long start = System.nanoTime();
    while (System.nanoTime() - start < 1_000) {
      Thread.onSpinWait();
    }
    assertThat(throttle.permit()).isTrue();
  }

  @Test
  void intervalMustBePositive() {
    assertThatThrownBy(() -> new LogThrottle(Duration.ZERO))
        .hasMessage("interval must be positive but was PT0S");
  }
}
