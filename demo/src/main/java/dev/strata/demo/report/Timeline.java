package dev.strata.demo.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Requests per instance and latency percentiles over time, in fixed slices, with the scenario's
 * markers.
 *
 * @param bucketMillis the width of one slice
 * @param buckets the slices, in time order, without gaps
 * @param markers the marked moments, in time order
 */
public record Timeline(long bucketMillis, List<TimelineBucket> buckets, List<Marker> markers) {

  /** Copies the lists. */
  public Timeline {
    if (bucketMillis <= 0) {
      throw new IllegalArgumentException("bucketMillis must be positive, was " + bucketMillis);
    }
    buckets = List.copyOf(buckets);
    markers = List.copyOf(markers);
  }

  /**
   * Slices the samples.
   *
   * @param startEpochMillis the scenario's start; samples before it are ignored
   * @param endEpochMillis the scenario's end; samples after it are ignored
   * @param bucketMillis the slice width, positive
   * @param instances every instance id, in display order (an instance with no request still gets a
   *     zero in every slice); a sample answered by an unknown instance is counted under its own id
   * @param samples the requests, in any order
   * @param markers the marked moments
   * @return the timeline; thread-safe (immutable)
   */
  public static Timeline of(
      long startEpochMillis,
      long endEpochMillis,
      long bucketMillis,
      List<String> instances,
      List<RequestSample> samples,
      List<Marker> markers) {
    if (bucketMillis <= 0) {
      throw new IllegalArgumentException("bucketMillis must be positive, was " + bucketMillis);
    }
    int count =
        (int) Math.max(1, (endEpochMillis - startEpochMillis + bucketMillis - 1) / bucketMillis);
    List<List<RequestSample>> slices = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      slices.add(new ArrayList<>());
    }
    for (RequestSample sample : samples) {
      long offset = sample.startEpochMillis() - startEpochMillis;
      if (offset < 0 || sample.startEpochMillis() > endEpochMillis) {
        continue;
      }
      slices.get((int) Math.min(count - 1, offset / bucketMillis)).add(sample);
    }
    List<TimelineBucket> buckets = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      buckets.add(bucket(i * bucketMillis, instances, slices.get(i)));
    }
    List<Marker> sorted = new ArrayList<>(markers);
    sorted.sort((a, b) -> Long.compare(a.offsetMillis(), b.offsetMillis()));
    return new Timeline(bucketMillis, buckets, sorted);
  }

  private static TimelineBucket bucket(
      long offset, List<String> instances, List<RequestSample> slice) {
    Map<String, Long> perInstance = new LinkedHashMap<>();
    for (String id : instances) {
      perInstance.put(id, 0L);
    }
    long failed = 0;
    long retried = 0;
    long[] latencies = new long[slice.size()];
    int i = 0;
    for (RequestSample sample : slice) {
      if (sample.instance() != null) {
        perInstance.merge(sample.instance(), 1L, Long::sum);
      }
      failed += sample.failed() ? 1 : 0;
      retried += sample.retried() ? 1 : 0;
      latencies[i++] = sample.latencyNanos();
    }
    Arrays.sort(latencies);
    return new TimelineBucket(
        offset,
        perInstance,
        failed,
        retried,
        percentileMillis(latencies, 0.50),
        percentileMillis(latencies, 0.99));
  }

  /**
   * Returns a percentile of sorted nanosecond values in milliseconds (nearest rank).
   *
   * @param sortedNanos values in ascending order; empty gives {@code 0}
   * @param quantile between 0 and 1
   * @return the value at that rank, in milliseconds
   */
  public static double percentileMillis(long[] sortedNanos, double quantile) {
    if (quantile < 0 || quantile > 1) {
      throw new IllegalArgumentException("quantile must be within [0, 1], was " + quantile);
    }
    if (sortedNanos.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(quantile * sortedNanos.length);
    int index = Math.max(0, Math.min(sortedNanos.length - 1, rank - 1));
    return sortedNanos[index] / 1_000_000.0;
  }
}
