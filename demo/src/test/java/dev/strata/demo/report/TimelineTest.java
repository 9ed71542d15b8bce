package dev.strata.demo.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TimelineTest {

  @Test
  void slicesRequestsPerInstanceWithEveryInstancePresent() {
    Timeline timeline =
        Timeline.of(
            ReportFixtures.T0,
            ReportFixtures.T0 + 10_000,
            1000,
            List.of("app-1", "app-2", "app-3"),
            ReportFixtures.samples(),
            ReportFixtures.markers());

    assertThat(timeline.buckets()).hasSize(10);
    assertThat(timeline.buckets().get(0).requestsPerInstance())
        .containsExactly(
            org.assertj.core.api.Assertions.entry("app-1", 34L),
            org.assertj.core.api.Assertions.entry("app-2", 33L),
            org.assertj.core.api.Assertions.entry("app-3", 33L));
    assertThat(timeline.buckets().get(5).requestsPerInstance()).containsEntry("app-2", 0L);
    assertThat(
            timeline.buckets().get(5).requestsPerInstance().values().stream()
                .mapToLong(Long::longValue)
                .sum())
        .isEqualTo(100);
    assertThat(timeline.buckets().get(3).retried()).isEqualTo(1);
    assertThat(timeline.buckets().get(0).p50Millis()).isEqualTo(4.0);
    assertThat(timeline.buckets().get(0).p99Millis()).isEqualTo(7.0);
  }

  @Test
  void ignoresSamplesOutsideTheRunAndSortsMarkers() {
    List<RequestSample> samples =
        List.of(
            new RequestSample(ReportFixtures.T0 - 1, "app-1", 200, 1, false),
            new RequestSample(ReportFixtures.T0 + 1500, null, 502, 5_000_000, true),
            new RequestSample(ReportFixtures.T0 + 2001, "app-1", 200, 1, false));
    Timeline timeline =
        Timeline.of(
            ReportFixtures.T0,
            ReportFixtures.T0 + 2000,
            1000,
            List.of("app-1"),
            samples,
            List.of(new Marker(1500, "restart", "b"), new Marker(10, "kill", "a")));

    assertThat(timeline.buckets()).hasSize(2);
    assertThat(timeline.buckets().get(0).requestsPerInstance()).containsEntry("app-1", 0L);
    assertThat(timeline.buckets().get(1).failed()).isEqualTo(1);
    assertThat(timeline.buckets().get(1).requestsPerInstance()).containsEntry("app-1", 0L);
    assertThat(timeline.markers()).extracting(Marker::label).containsExactly("a", "b");
  }

  @Test
  void percentileUsesNearestRank() {
    long[] nanos = {1_000_000, 2_000_000, 3_000_000, 4_000_000};
    assertThat(Timeline.percentileMillis(nanos, 0.5)).isEqualTo(2.0);
    assertThat(Timeline.percentileMillis(nanos, 0.99)).isEqualTo(4.0);
    assertThat(Timeline.percentileMillis(new long[0], 0.5)).isZero();
    assertThatThrownBy(() -> Timeline.percentileMillis(nanos, 1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("quantile");
  }

  @Test
  void rejectsANonPositiveSliceWidth() {
    assertThatThrownBy(() -> Timeline.of(0, 1000, 0, List.of(), List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bucketMillis");
  }
}
