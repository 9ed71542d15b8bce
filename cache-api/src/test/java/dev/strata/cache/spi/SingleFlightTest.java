package dev.strata.cache.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class SingleFlightTest {

  @Test
  void aLeaderEndsItsLoadAndTheJoinersGetItsOutcome() {
    SingleFlight<String, Object> flight = new SingleFlight<>();
    CompletableFuture<Object> mine = new CompletableFuture<>();
    assertThat(flight.lead("k", mine)).isNull();
    CompletableFuture<Object> joined = flight.lead("k", new CompletableFuture<>());
    assertThat(joined).isSameAs(mine);

    flight.complete("k", mine, "v");
    assertThat(joined.join()).isEqualTo("v");
    assertThat(flight.inFlightCount()).isZero();

    CompletableFuture<Object> next = new CompletableFuture<>();
    assertThat(flight.lead("k", next)).isNull();
    flight.fail("k", next, new IllegalStateException("boom"));
    assertThatThrownBy(next::join)
        .isInstanceOf(CompletionException.class)
        .hasRootCauseMessage("boom");
    assertThat(flight.inFlightCount()).isZero();
  }
}
