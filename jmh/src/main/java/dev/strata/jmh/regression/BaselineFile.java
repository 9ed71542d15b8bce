package dev.strata.jmh.regression;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The committed baseline: a text file with one {@link BenchmarkPair} per line, five fields
 * separated by white space ({@code name strata-benchmark raw-benchmark baseline tolerance}). A
 * baseline field {@code peer} makes a peer pair ({@code name strata-benchmark peer-benchmark peer
 * tolerance}: Strata must be at least as fast as the peer, less the tolerance). Lines starting with
 * {@code #} and blank lines are comments, kept as they are when the file is rewritten.
 */
final class BaselineFile {

  private final Path path;
  private final List<String> lines;
  private final List<BenchmarkPair> pairs;

  private BaselineFile(Path path, List<String> lines, List<BenchmarkPair> pairs) {
    this.path = path;
    this.lines = lines;
    this.pairs = pairs;
  }

  /**
   * Reads and validates a baseline file.
   *
   * @throws IllegalArgumentException naming the line that is malformed or the name used twice
   */
  static BaselineFile read(Path path) throws IOException {
    List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    List<BenchmarkPair> pairs = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] fields = line.split("\\s+");
      String where = path + ":" + (i + 1);
      if (fields.length != 5) {
        throw new IllegalArgumentException(
            where
                + ": expected 5 fields (name strata raw baseline tolerance) but found "
                + fields.length
                + ": '"
                + line
                + "'");
      }
      BenchmarkPair pair;
      try {
        double tolerance = Double.parseDouble(fields[4]);
        pair =
            BenchmarkPair.PEER.equals(fields[3])
                ? BenchmarkPair.peer(fields[0], fields[1], fields[2], tolerance)
                : BenchmarkPair.raw(
                    fields[0], fields[1], fields[2], Double.parseDouble(fields[3]), tolerance);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            where + ": baseline must be a number or 'peer', tolerance a number", e);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
      }
      if (!names.add(pair.name())) {
        throw new IllegalArgumentException(where + ": pair '" + pair.name() + "' appears twice");
      }
      pairs.add(pair);
    }
    return new BaselineFile(path, lines, pairs);
  }

  List<BenchmarkPair> pairs() {
    return pairs;
  }

  /** Rewrites the file with new baseline ratios for some pairs; comments and order stay. */
  void writeBaselines(Map<String, Double> newBaselines) throws IOException {
    List<String> out = new ArrayList<>(lines.size());
    for (String line : lines) {
      String stripped = line.strip();
      if (stripped.isEmpty() || stripped.startsWith("#")) {
        out.add(line);
        continue;
      }
      String name = stripped.split("\\s+")[0];
      BenchmarkPair pair =
          pairs.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
      Double updated = newBaselines.get(name);
      out.add(updated == null || pair.peer() ? line : pair.withBaseline(updated).toLine());
    }
    Files.write(path, out, StandardCharsets.UTF_8);
  }
}
