package dev.strata.cache.invalidation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LocalInvalidationBusTest {

  private final LocalInvalidationBus a = LocalInvalidationBus.create("a");
  private final LocalInvalidationBus b = a.join("b");
  private final LocalInvalidationBus c = a.join("c");

  @AfterEach
  void close() {
    a.close();
    b.close();
    c.close();
  }

  @Test
  void eventsReachTheSubscribersOfTheirCacheOnEveryOtherNodeButNotTheirOrigin() {
    List<String> seen = new CopyOnWriteArrayList<>();
    a.subscribe("users", e -> seen.add("a:" + e.keys()));
    b.subscribe("users", e -> seen.add("b:" + e.keys()));
    c.subscribe("users", e -> seen.add("c:" + e.keys()));
    c.subscribe("orders", e -> seen.add("c-orders:" + e.keys()));

    a.publish(InvalidationEvent.keys("users", List.of("1"), a.nodeId()));
    b.publish(InvalidationEvent.all("users", b.nodeId()));

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(seen).containsExactlyInAnyOrder("b:[1]", "c:[1]", "a:[]", "c:[]"));
  }

  @Test
  void eachNodeReceivesEventsInPublicationOrder() {
    List<String> seen = new CopyOnWriteArrayList<>();
    b.subscribe("users", e -> seen.add(e.keys().get(0)));

    for (int i = 0; i < 200; i++) {
      a.publish(InvalidationEvent.keys("users", List.of(Integer.toString(i)), "a"));
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 200);
    for (int i = 0; i < 200; i++) {
      assertThat(seen.get(i)).isEqualTo(Integer.toString(i));
    }
  }

  @Test
  void aFailingSubscriberDoesNotStopTheOthersAndClosedSubscriptionsGetNothing() {
    List<String> seen = new CopyOnWriteArrayList<>();
    b.subscribe(
        "users",
        e -> {
          throw new IllegalStateException("broken subscriber");
        });
    InvalidationBus.Subscription gone = b.subscribe("users", e -> seen.add("gone"));
    b.subscribe("users", e -> seen.add("kept"));
    gone.close();
    gone.close();

    a.publish(InvalidationEvent.all("users", "a"));
    a.publish(InvalidationEvent.all("users", "a"));

    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
    assertThat(seen).containsExactly("kept", "kept");
  }

  @Test
  void aClosedNodeLeavesTheNetworkAndRefusesToPublish() {
    List<String> seen = new CopyOnWriteArrayList<>();
    b.subscribe("users", e -> seen.add("b"));
    c.subscribe("users", e -> seen.add("c"));
    b.close();

    a.publish(InvalidationEvent.all("users", "a"));

    await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("c"));
    assertThat(seen).containsExactly("c");
    assertThatThrownBy(() -> b.publish(InvalidationEvent.all("users", "b")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("invalidation bus node 'b' is closed");
    assertThat(a.join("b").nodeId()).as("a closed node's id is free again").isEqualTo("b");
  }

  @Test
  void badInputIsRejectedWithClearMessages() {
    assertThatThrownBy(() -> a.join("c"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("nodeId 'c' is already on this network");
    assertThatThrownBy(() -> LocalInvalidationBus.create(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("nodeId must not be blank");
    assertThatThrownBy(() -> a.publish(null)).hasMessage("event must not be null");
    assertThatThrownBy(() -> a.subscribe(null, e -> {})).hasMessage("cacheName must not be null");
    assertThatThrownBy(() -> InvalidationEvent.keys("users", List.of(), "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("an event must list at least one key, or be for all");
    assertThat(LocalInvalidationBus.create().nodeId()).isNotBlank();
  }
}
