package dev.strata.lb.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.lb.Selectors;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Outcomes that theory and published results predict, on simulated time with fixed seeds. */
class SimulationTest {

  private static final long TIMEOUT_NANOS = Duration.ofSeconds(1).toNanos();

  private static Scenario scenario(String name) {
    return Scenario.named(name).withDuration(Duration.ofSeconds(15));
  }

  @Test
  void linkerdScenarioRoundRobinDegradesAboveP95ButPeakEwmaKeepsP999() {
    Scenario linkerd = scenario("linkerd");
    SimulationResult roundRobin = Simulation.run(linkerd, Selectors.roundRobin());
    SimulationResult peakEwma = Simulation.run(linkerd, Selectors.peakEwma());
    // one server in 11 is stuck: round robin sends it ~9% of requests, all of which time out
    assertThat(roundRobin.p99Nanos()).isEqualTo(TIMEOUT_NANOS);
    assertThat(roundRobin.successRate()).isLessThan(0.95);
    assertThat(peakEwma.p999Nanos()).isLessThan(TIMEOUT_NANOS / 2);
    assertThat(peakEwma.successRate()).isGreaterThanOrEqualTo(0.999);
    assertThat(peakEwma.loadShares().get(10)).isLessThan(0.001);
  }

  @Test
  void aFastFailingServerLosesTrafficUnderPeakEwmaAndP2c() {
    Scenario failFast = scenario("fail-fast");
    double fairShare = 1.0 / failFast.servers().size();
    for (var selector : List.of(Selectors.peakEwma(), Selectors.powerOfTwoChoices())) {
      SimulationResult result = Simulation.run(failFast, selector);
      assertThat(result.loadShares().get(9)).as(selector.name()).isLessThan(fairShare / 10);
      assertThat(result.successRate()).as(selector.name()).isGreaterThan(0.99);
    }
    // without a failure penalty, least connections is drawn to the fast errors
    SimulationResult leastConnections = Simulation.run(failFast, Selectors.leastConnections());
    assertThat(leastConnections.loadShares().get(9)).isGreaterThan(fairShare);
  }

  @Test
  void outlierEjectionBoundsTheErrorRate() {
    SimulationResult withEjection = Simulation.run(scenario("failing"), Selectors.roundRobin());
    SimulationResult without = Simulation.run(scenario("fail-fast"), Selectors.roundRobin());
    assertThat(1 - without.successRate()).isGreaterThan(0.09);
    assertThat(1 - withEjection.successRate()).isLessThan(0.005);
    assertThat(withEjection.maxEjected()).isEqualTo(1);
  }

  @Test
  void outlierEjectionNeverEjectsMoreThanTheMaximumShare() {
    // 3 of 10 servers fail; 10% of 10 allows one ejection at a time
    SimulationResult result = Simulation.run(scenario("failing-many"), Selectors.roundRobin());
    assertThat(result.maxEjected()).isEqualTo(1);
    assertThat(1 - result.successRate()).isBetween(0.15, 0.25);
  }

  @Test
  void p2cBeatsRoundRobinOnMaxInFlightUnderSkew() {
    Scenario skewed = scenario("heterogeneous");
    SimulationResult roundRobin = Simulation.run(skewed, Selectors.roundRobin());
    SimulationResult p2c = Simulation.run(skewed, Selectors.powerOfTwoChoices());
    assertThat(p2c.maxAtAnyServer()).isLessThan(roundRobin.maxAtAnyServer() / 10);
    assertThat(p2c.p99Nanos()).isLessThan(roundRobin.p99Nanos());
  }

  @Test
  void aSeedDeterminesTheOutcome() {
    Scenario scenario = scenario("heterogeneous").withDuration(Duration.ofSeconds(5));
    assertThat(Simulation.run(scenario, Selectors.peakEwma()))
        .isEqualTo(Simulation.run(scenario, Selectors.peakEwma()));
    assertThat(Simulation.run(scenario.withSeed(1), Selectors.peakEwma()))
        .isNotEqualTo(Simulation.run(scenario, Selectors.peakEwma()));
  }

  @Test
  void commandPrintsARowPerSelector() {
    Scenario scenario = scenario("linkerd").withDuration(Duration.ofSeconds(2));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    SimulatorCommand.print(
        scenario,
        Simulation.runAll(scenario),
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String table = bytes.toString(StandardCharsets.UTF_8);
    for (var selector : Selectors.all()) {
      assertThat(table).contains("| " + selector.name() + " |");
    }
  }

  @Test
  void scenariosValidateTheirFields() {
    assertThatThrownBy(() -> Scenario.named("nope"))
        .hasMessageStartingWith("unknown scenario 'nope'; known: linkerd");
    assertThatThrownBy(() -> Scenario.builder("x").build())
        .hasMessage("servers must not be empty but was []");
    assertThatThrownBy(() -> ServerSpec.queue(0, Duration.ofMillis(1)))
        .hasMessage("workers must be at least 1 but was 0");
  }
}
