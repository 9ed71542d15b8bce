package dev.strata.demo.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Summaries made up for the report tests. */
final class ReportFixtures {
  private ReportFixtures() {}

  static final long T0 = 1_700_000_000_000L;

  /** Ten seconds of traffic over three instances, app-2 silent between 4 s and 7 s. */
  static List<RequestSample> samples() {
    List<RequestSample> samples = new ArrayList<>();
    for (int ms = 0; ms < 10_000; ms += 10) {
      String instance = "app-" + (1 + (ms / 10) % 3);
      if (instance.equals("app-2") && ms >= 4000 && ms < 7000) {
        instance = "app-1";
      }
      samples.add(
          new RequestSample(T0 + ms, instance, 200, (1 + ms % 7) * 1_000_000L, ms % 1000 == 0));
    }
    return samples;
  }

  static List<Marker> markers() {
    return List.of(
        new Marker(4000, "kill", "SIGKILL app-2"),
        new Marker(4300, "down", "app-2 out of selection"),
        new Marker(7000, "restart", "restart app-2"),
        new Marker(9000, "deploy", "app-1: drained <at the front>"));
  }

  static DemoSummary summary(List<String> problems) {
    List<String> ids = List.of("app-1", "app-2", "app-3");
    Timeline timeline = Timeline.of(T0, T0 + 10_000, 1000, ids, samples(), markers());
    Map<String, Long> perInstance = new LinkedHashMap<>();
    perInstance.put("app-1", 400L);
    perInstance.put("app-2", 200L);
    perInstance.put("app-3", 400L);
    return new DemoSummary(
        "quick",
        8,
        42_000,
        ids,
        List.of(
            new PhaseRow("spread + warm-up", 4000, perInstance, 1000, 0, 1, 0.75),
            new PhaseRow("log in", 100, Map.of(), 0, 0, 0, Double.NaN)),
        1000,
        problems.size(),
        10,
        0,
        120,
        0,
        0.9,
        900,
        90,
        810,
        2.5,
        31.0,
        new KillCheck("app-2", 300, 2, 0, 150),
        2000,
        List.of(
            new InvalidationCheck(200, "app-1", "app-2", 12),
            new InvalidationCheck(200, "app-1", "app-3", 9)),
        timeline,
        problems);
  }
}
