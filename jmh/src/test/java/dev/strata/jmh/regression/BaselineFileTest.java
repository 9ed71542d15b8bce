package dev.strata.jmh.regression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaselineFileTest {

  @TempDir Path dir;

  private Path write(String... lines) throws Exception {
    Path file = dir.resolve("baseline.txt");
    Files.write(file, List.of(lines));
    return file;
  }

  @Test
  void readsRawAndPeerPairs() throws Exception {
    Path file =
        write(
            "# comment",
            "raw-pair   A.strata  A.raw          0.900  0.20",
            "peer-pair  B.strata  B.redisson     peer   0.30");

    List<BenchmarkPair> pairs = BaselineFile.read(file).pairs();

    assertThat(pairs).hasSize(2);
    assertThat(pairs.get(0).peer()).isFalse();
    assertThat(pairs.get(0).minimumRatio()).isCloseTo(0.72, offset(1e-9));
    BenchmarkPair peer = pairs.get(1);
    assertThat(peer.peer()).isTrue();
    assertThat(peer.raw()).isEqualTo("B.redisson");
    assertThat(peer.baseline()).isEqualTo(1.0);
    assertThat(peer.minimumRatio()).isCloseTo(0.70, offset(1e-9));
  }

  @Test
  void anUpdateRewritesRawBaselinesAndKeepsPeerPairsAndComments() throws Exception {
    Path file =
        write(
            "# comment",
            "raw-pair   A.strata  A.raw          0.900  0.20",
            "peer-pair  B.strata  B.redisson     peer   0.30");

    BaselineFile.read(file).writeBaselines(Map.of("raw-pair", 0.5, "peer-pair", 0.4));

    List<String> lines = Files.readAllLines(file);
    assertThat(lines.get(0)).isEqualTo("# comment");
    assertThat(lines.get(1)).contains(" 0.500 ").startsWith("raw-pair");
    assertThat(lines.get(2)).isEqualTo("peer-pair  B.strata  B.redisson     peer   0.30");
    List<BenchmarkPair> reread = BaselineFile.read(file).pairs();
    assertThat(reread.get(0).baseline()).isEqualTo(0.5);
    assertThat(reread.get(1).peer()).isTrue();
  }

  @Test
  void aBaselineThatIsNeitherANumberNorPeerNamesTheLine() throws Exception {
    Path file = write("bad  A.strata  A.raw  fast  0.20");

    assertThatThrownBy(() -> BaselineFile.read(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("baseline.txt:1")
        .hasMessageContaining("'peer'");
  }
}
