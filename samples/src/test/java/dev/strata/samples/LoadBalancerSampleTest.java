package dev.strata.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.samples.LoadBalancerSample.Report;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadBalancerSampleTest {

  @Test
  void slowEndpointGetsLittleEjectedEndpointNoneAndNewEndpointRampsUp() {
    Report report = LoadBalancerSample.run();
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    LoadBalancerSample.print(report, new PrintStream(text, true, StandardCharsets.UTF_8));
    System.out.println(text.toString(StandardCharsets.UTF_8));

    Map<String, Integer> steady = report.picks().get("steady");
    assertThat(steady.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(6_000);
    // peak-EWMA: the 150 ms endpoint gets far less than a fair quarter
    assertThat(steady.get("c")).isLessThan(6_000 / 4 / 3);
    assertThat(steady.get("a")).isGreaterThan(steady.get("c") * 3);

    Map<String, Integer> failing = report.picks().get("d fails");
    assertThat(report.ejections()).isPositive();
    assertThat(report.failuresBeforeEjection()).isEqualTo(5);
    assertThat(report.picksWhileEjected()).isZero();
    assertThat(failing.getOrDefault("d", 0)).isLessThan(50);

    // slow start: e's share grows over the 30 s window and then stays up
    List<Double> shares = report.slowStartShares();
    assertThat(shares.get(0)).isPositive().isLessThan(shares.get(2));
    assertThat(shares.get(5)).isGreaterThanOrEqualTo(shares.get(2));
  }
}
