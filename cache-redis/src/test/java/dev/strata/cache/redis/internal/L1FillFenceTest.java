package dev.strata.cache.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class L1FillFenceTest {

  private final L1FillFence<String> fence = new L1FillFence<>();
  private final List<String> copies = new ArrayList<>();
  private final List<String> undone = new ArrayList<>();

  private boolean fill(L1FillFence.Ticket<String> ticket, String key) {
    return fence.fill(ticket, () -> copies.add(key), () -> undone.add(key));
  }

  @Test
  void aFillOfAnUntouchedKeyLands() {
    try (L1FillFence.Ticket<String> ticket = fence.open("a")) {
      assertThat(fill(ticket, "a")).isTrue();
    }
    assertThat(copies).containsExactly("a");
  }

  @Test
  void anInvalidationOfTheKeyRefusesItsFillButNotAnotherKeys() {
    try (L1FillFence.Ticket<String> a = fence.open("a");
        L1FillFence.Ticket<String> b = fence.open("b")) {
      fence.invalidated("a");

      assertThat(a.current()).isFalse();
      assertThat(fill(a, "a")).isFalse();
      assertThat(fill(b, "b")).isTrue();
    }
    assertThat(copies).containsExactly("b");
  }

  @Test
  void anInvalidationBeforeTheTicketDoesNotRefuseIt() {
    fence.invalidated("a");
    try (L1FillFence.Ticket<String> a = fence.open("a")) {
      assertThat(fill(a, "a")).isTrue();
    }
  }

  @Test
  void invalidatingEverythingRefusesEveryOpenFill() {
    try (L1FillFence.Ticket<String> a = fence.open("a")) {
      fence.invalidatedAll();
      assertThat(fill(a, "a")).isFalse();
    }
    assertThat(copies).isEmpty();
  }

  @Test
  void everythingInvalidatedWhileTheCopyRanIsUndone() {
    try (L1FillFence.Ticket<String> a = fence.open("a")) {
      boolean landed =
          fence.fill(
              a,
              () -> {
                copies.add("a");
                fence.invalidatedAll(); // the clear overtakes the copy
              },
              () -> undone.add("a"));
      assertThat(landed).isFalse();
    }
    assertThat(undone).containsExactly("a");
  }

  @Test
  void aKeysSlotLivesWhileAnyOfItsFetchesIsOpen() {
    L1FillFence.Ticket<String> first = fence.open("a");
    L1FillFence.Ticket<String> second = fence.open("a");
    assertThat(fence.openKeys()).isEqualTo(1);

    first.close();
    first.close(); // idempotent: must not release the second fetch's hold
    assertThat(fence.openKeys()).isEqualTo(1);
    fence.invalidated("a");
    assertThat(second.current()).isFalse();
    second.close();
    assertThat(fence.openKeys()).isZero();
  }
}
