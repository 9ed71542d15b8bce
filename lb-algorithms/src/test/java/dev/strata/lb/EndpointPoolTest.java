package dev.strata.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointPoolTest {

  @Test
  void endpointKeepsItsFieldsAndValidatesThem() {
    Endpoint e = Endpoint.builder("a", "10.0.0.1", 8080).weight(3).metadata("zone", "z1").build();
    assertThat(e.id()).isEqualTo("a");
    assertThat(e.address().getHostString()).isEqualTo("10.0.0.1");
    assertThat(e.address().getPort()).isEqualTo(8080);
    assertThat(e.weight()).isEqualTo(3);
    assertThat(e.metadata()).containsEntry("zone", "z1");
    assertThat(e.withWeight(5).weight()).isEqualTo(5);
    assertThatThrownBy(() -> Endpoint.builder("a", "h", 1).weight(0).build())
        .hasMessage("weight must be between 1 and 1000000 but was 0");
    assertThatThrownBy(() -> Endpoint.of("a", "h", 70000))
        .hasMessage("port must be between 0 and 65535 but was 70000");
    assertThatThrownBy(() -> Endpoint.of(" ", "h", 1)).hasMessageContaining("id must not be blank");
  }

  @Test
  void membershipHealthAndWeightChangesReachListeners() {
    EndpointPool pool = EndpointPool.create();
    List<String> events = new ArrayList<>();
    Subscription subscription =
        pool.addListener(
            new PoolListener() {
              @Override
              public void endpointAdded(Endpoint endpoint) {
                events.add("+" + endpoint.id());
              }

              @Override
              public void endpointRemoved(Endpoint endpoint) {
                events.add("-" + endpoint.id());
              }

              @Override
              public void endpointUpdated(Endpoint previous, Endpoint current) {
                events.add("w" + current.id() + "=" + current.weight());
              }

              @Override
              public void healthChanged(Endpoint endpoint, boolean healthy) {
                events.add((healthy ? "up " : "down ") + endpoint.id());
              }
            });
    pool.add(Endpoint.of("a", "h1", 1));
    pool.add(Endpoint.of("b", "h2", 2));
    assertThat(pool.isHealthy("a")).isTrue();
    pool.setHealthy("a", false);
    pool.setHealthy("a", false); // no change, no event
    assertThat(pool.isHealthy("a")).isFalse();
    pool.setHealthy("gone", true); // documented no-op
    assertThat(pool.isHealthy("gone")).isFalse();
    pool.setWeight("b", 4);
    assertThat(pool.endpoint("b").weight()).isEqualTo(4);
    assertThat(pool.remove("a")).isTrue();
    assertThat(pool.remove("a")).isFalse();
    subscription.close();
    pool.add(Endpoint.of("c", "h3", 3));
    assertThat(events).containsExactly("+a", "+b", "down a", "wb=4", "-a");
    assertThat(pool.endpoints()).extracting(Endpoint::id).containsExactly("b", "c");
  }

  @Test
  void duplicateIdsAndUnknownReweightAreRejected() {
    EndpointPool pool = EndpointPool.of(Endpoint.of("a", "h", 1));
    assertThatThrownBy(() -> pool.add(Endpoint.of("a", "other", 2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'a' is already in the pool");
    assertThatThrownBy(() -> pool.setWeight("x", 2))
        .hasMessage("no endpoint with id 'x' in the pool");
  }

  @Test
  void listenerFailureDoesNotUndoTheChange() {
    EndpointPool pool = EndpointPool.create();
    pool.addListener(
        new PoolListener() {
          @Override
          public void endpointAdded(Endpoint endpoint) {
            throw new IllegalStateException("boom");
          }
        });
    pool.add(Endpoint.of("a", "h", 1));
    assertThat(pool.contains("a")).isTrue();
  }
}
