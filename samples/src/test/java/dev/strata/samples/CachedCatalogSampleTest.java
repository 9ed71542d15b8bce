package dev.strata.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.samples.CachedCatalogSample.Report;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CachedCatalogSampleTest {

  @Test
  void theSampleCachesReadsBatchesWritesAndLandsEveryPrice() throws Exception {
    Report report = CachedCatalogSample.run(20_000, "catalog-smoke-test");

    assertThat(report.readStats().hitRate()).isGreaterThan(0.5);
    assertThat(report.readStats().loadCount()).isBetween(1L, (long) CachedCatalogSample.PRODUCTS);
    assertThat(report.reads() + report.priceChanges()).isEqualTo(20_000);
    assertThat(report.writeStats().accepted())
        .isEqualTo(report.writeStats().written() + report.writeStats().coalesced());
    assertThat(report.writeStats().batches()).isPositive().isLessThan(report.priceChanges());
    assertThat(report.writeStats().queueDepth()).isZero();
    assertThat(report.writeStats().deadLettered()).isZero();
    assertThat(report.productsWithPriceChanges()).isPositive();
    assertThat(report.pricesMatching()).isEqualTo(report.productsWithPriceChanges());
    assertThat(report.directOperations()).isBetween(100, 2_000);

    ByteArrayOutputStream text = new ByteArrayOutputStream();
    CachedCatalogSample.print(report, new PrintStream(text, true, StandardCharsets.UTF_8));
    assertThat(text.toString(StandardCharsets.UTF_8))
        .contains("hit ratio", "loads from the database", "batches", "speed-up");
  }
}
