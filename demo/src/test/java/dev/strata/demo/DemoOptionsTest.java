package dev.strata.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DemoOptionsTest {

  @Test
  void defaults() {
    DemoOptions options = DemoOptions.parse();

    assertThat(options.report()).isEqualTo(Path.of("strata-demo-report.html"));
    assertThat(options.summary()).isNull();
    assertThat(options.users()).isEqualTo(12);
    assertThat(options.quick()).isFalse();
    assertThat(options.interactive()).isFalse();
  }

  @Test
  void parsesEveryOption() {
    DemoOptions options =
        DemoOptions.parse(
            "--quick",
            "--users",
            "5",
            "--summary",
            "s.json",
            "--report",
            "r.html",
            "--interactive");

    assertThat(options.quick()).isTrue();
    assertThat(options.users()).isEqualTo(5);
    assertThat(options.summary()).isEqualTo(Path.of("s.json"));
    assertThat(options.report()).isEqualTo(Path.of("r.html"));
    assertThat(options.interactive()).isTrue();
    assertThat(DemoOptions.parse("--quick").users()).isEqualTo(8);
  }

  @Test
  void badOptionsAreNamed() {
    assertThatThrownBy(() -> DemoOptions.parse("--fast"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown option '--fast'");
    assertThatThrownBy(() -> DemoOptions.parse("--users", "many"))
        .hasMessage("--users needs a whole number, got 'many'");
    assertThatThrownBy(() -> DemoOptions.parse("--users", "0"))
        .hasMessage("--users must be between 1 and 200, got 0");
    assertThatThrownBy(() -> DemoOptions.parse("--summary")).hasMessage("--summary needs a value");
    assertThatThrownBy(() -> DemoOptions.parse("--report", "--quick"))
        .hasMessage("--report needs a value");
  }
}
