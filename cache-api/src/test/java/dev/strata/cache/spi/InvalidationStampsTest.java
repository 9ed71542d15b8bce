package dev.strata.cache.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InvalidationStampsTest {

  @Test
  void anInvalidationMovesTheStampOfItsKeyOnly() {
    InvalidationStamps stamps = new InvalidationStamps();
    long a = stamps.stamp("a");
    long b = stamps.stamp("b");

    stamps.invalidated("a");

    assertThat(stamps.unchanged("a", a)).isFalse();
    assertThat(stamps.unchanged("b", b)).isTrue();
  }

  @Test
  void invalidatingEverythingMovesEveryStamp() {
    InvalidationStamps stamps = new InvalidationStamps(64);
    long a = stamps.stamp("a");
    long b = stamps.stamp(42L);

    stamps.invalidatedAll();

    assertThat(stamps.unchanged("a", a)).isFalse();
    assertThat(stamps.unchanged(42L, b)).isFalse();
  }

  @Test
  void keysOfOneStripeShareAStamp() {
    InvalidationStamps one = new InvalidationStamps(1);
    long b = one.stamp("b");
    one.invalidated("a");
    assertThat(one.unchanged("b", b)).isFalse();
  }

  @Test
  void stripesMustBeAPowerOfTwo() {
    assertThatThrownBy(() -> new InvalidationStamps(3))
        .hasMessage("stripes must be a power of two from 1 to 65536 but was 3");
    assertThatThrownBy(() -> new InvalidationStamps(0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
