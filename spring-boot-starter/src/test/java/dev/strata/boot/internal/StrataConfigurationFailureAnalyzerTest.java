package dev.strata.boot.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.boot.StrataConfigurationException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;

class StrataConfigurationFailureAnalyzerTest {

  @Test
  void theReportNamesThePropertyTheValueAndWhatIsWrong() {
    StrataConfigurationException cause =
        new StrataConfigurationException(
            "strata.cache.caches.books.ttl", "-PT5S", "must be a positive duration", null);
    FailureAnalysis analysis =
        new StrataConfigurationFailureAnalyzer()
            .analyze(new BeanCreationException("cacheManager", "failed", cause));
    assertThat(analysis).isNotNull();
    assertThat(analysis.getDescription())
        .isEqualTo(
            "Invalid Strata configuration: property 'strata.cache.caches.books.ttl' has the value"
                + " '-PT5S': must be a positive duration");
    assertThat(analysis.getAction()).contains("strata.cache.caches.books.ttl");
  }
}
