package dev.strata.demo.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.htmlunit.html.DomElement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {

  @Test
  void reportLoadsWithScriptsAndChartsAndNoExternalResource(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("report.html");
    HtmlReport.write(ReportFixtures.summary(List.of()), file);

    try (ReportPage page = ReportPage.load(file)) {
      assertThat(page.scriptErrors()).isEmpty();
      // the file itself is read directly; anything else (a script, a style, an image) would be
      // fetched
      assertThat(page.requestedUrls()).isEmpty();
      assertThat(page.page().getBody().getAttribute("data-ready")).isEqualTo("true");
      assertThat(page.page().getElementById("result").getTextContent()).isEqualTo("PASS");
      assertThat(page.chartSeries("requests-chart"))
          .containsExactly("app-1", "app-2", "app-3", "failed");
      assertThat(page.pointCount("requests-chart")).isEqualTo(4 * 10);
      assertThat(page.pointCount("latency-chart")).isEqualTo(2 * 10);
      assertThat(page.page().querySelectorAll("#requests-chart g.marker")).hasSize(4);
      assertThat(page.page().getElementById("js-status").getTextContent())
          .startsWith("2 charts, 60 data points");

      DomElement point =
          (DomElement) page.page().querySelectorAll("#requests-chart circle.point").get(11);
      point.mouseOver();
      DomElement tip = page.page().getElementById("tip");
      assertThat(tip.getTextContent())
          .isEqualTo(point.getAttribute("data-tip"))
          .startsWith("app-2 at 1s: ");
      assertThat(tip.getAttribute("style")).contains("display: block");
      assertThat(page.scriptErrors()).isEmpty();
    }
  }

  @Test
  void labelsAreEscapedAndProblemsListed() {
    String html = HtmlReport.render(ReportFixtures.summary(List.of("a <b>problem</b>")));

    assertThat(html)
        .contains("app-1: drained &lt;at the front&gt;")
        .contains("<li>a &lt;b&gt;problem&lt;/b&gt;</li>")
        .contains("id=\"result\">FAIL")
        .doesNotContain("<link")
        .doesNotContain(" src=")
        .doesNotContain("href=");
  }
}
