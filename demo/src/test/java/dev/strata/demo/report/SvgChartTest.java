package dev.strata.demo.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SvgChartTest {

  @Test
  void axisCeilingIsTheNextRoundValueAboveTheMaximum() {
    assertThat(SvgChart.niceCeiling(900)).isEqualTo(1000);
    assertThat(SvgChart.niceCeiling(80)).isEqualTo(80);
    assertThat(SvgChart.niceCeiling(81)).isEqualTo(100);
    assertThat(SvgChart.niceCeiling(3.2)).isEqualTo(4);
  }

  @Test
  void drawsOnePolylineAndOnePointPerValueAndTheMarkers() {
    String svg =
        new SvgChart("c", "y")
            .series("app-1", "#000", new double[] {0, 1, 2}, new double[] {5, 10, 0})
            .marker(new Marker(1500, "kill", "SIGKILL app-1"))
            .render();

    assertThat(svg).startsWith("<svg id=\"c\"").endsWith("</svg>\n");
    assertThat(svg.split("<polyline", -1)).hasSize(2);
    assertThat(svg.split("<circle", -1)).hasSize(4);
    assertThat(svg)
        .contains("data-tip=\"app-1 at 1s: 10\"")
        .contains("class=\"marker marker-kill\"");
    assertThat(new SvgChart("c", "y").marker(new Marker(0, "kill", "k")).legend())
        .contains("SIGKILL");
  }

  @Test
  void rejectsSeriesOfUnequalLength() {
    assertThatThrownBy(
            () -> new SvgChart("c", "y").series("s", "#000", new double[2], new double[3]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("series s: 2 x values but 3 y values");
  }
}
