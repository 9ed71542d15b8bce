package dev.strata.health.check;

import dev.strata.health.CheckResult;
import dev.strata.health.HealthCheck;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * UP while the file store holding a path has at least a threshold of usable space, else DOWN.
 * Details: {@code path}, {@code usableBytes}, {@code totalBytes}, {@code thresholdBytes}.
 *
 * <p>Immutable and thread-safe.
 */
public final class DiskSpaceHealthCheck implements HealthCheck {

  private final Path path;
  private final long thresholdBytes;

  private DiskSpaceHealthCheck(Path path, long thresholdBytes) {
    this.path = path;
    this.thresholdBytes = thresholdBytes;
  }

  /**
   * Creates a check.
   *
   * @param path a path on the file store to watch, not null (need not exist when created)
   * @param thresholdBytes the least usable space that counts as UP, not negative
   * @return the check
   * @throws IllegalArgumentException if the threshold is negative, naming the value
   */
  public static DiskSpaceHealthCheck of(Path path, long thresholdBytes) {
    Objects.requireNonNull(path, "path must not be null");
    if (thresholdBytes < 0) {
      throw new IllegalArgumentException(
          "thresholdBytes must not be negative but was " + thresholdBytes);
    }
    return new DiskSpaceHealthCheck(path, thresholdBytes);
  }

  @Override
  public CheckResult check() throws IOException {
    FileStore store = Files.getFileStore(path);
    long usable = store.getUsableSpace();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("path", path.toString());
    details.put("usableBytes", usable);
    details.put("totalBytes", store.getTotalSpace());
    details.put("thresholdBytes", thresholdBytes);
    if (usable < thresholdBytes) {
      return CheckResult.down(
          "usable space " + usable + " bytes is below the threshold of " + thresholdBytes, details);
    }
    return CheckResult.up(details);
  }

  @Override
  public String toString() {
    return "DiskSpaceHealthCheck{" + path + " >= " + thresholdBytes + " bytes}";
  }
}
