package dev.strata.demo.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.ConnectException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The shutdown a SIGTERM starts (the JVM's shutdown hook closes the context): readiness goes down
 * at once, requests are still served for the drain delay, then the server stops.
 */
class GracefulShutdownTest {

  private static DemoBackends backends;

  @BeforeAll
  static void start() throws Exception {
    backends = new DemoBackends();
  }

  @AfterAll
  static void stop() {
    if (backends != null) {
      backends.close();
    }
  }

  @Test
  void readinessGoesDownAtOnceAndRequestsSucceedDuringTheDrainDelay() throws Exception {
    ConfigurableApplicationContext context =
        backends.start("app-drain", "--strata.demo.drain-delay=20s");
    String base = DemoBackends.baseUrl(context);
    Browser browser = new Browser();
    browser.post(base + "/api/login", "{\"user\":\"heidi\"}");
    assertThat(browser.get(base + "/actuator/health/readiness").status()).isEqualTo(200);

    Thread closing = new Thread(context::close, "closing");
    closing.start();

    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> browser.get(base + "/actuator/health/readiness").status() == 503);
    Browser.Reply product = browser.get(base + "/api/products/5");
    Browser.Reply me = browser.get(base + "/api/me");
    Browser.Reply liveness = browser.get(base + "/actuator/health/liveness");
    // answered while the shutdown was still in its drain delay
    assertThat(closing.isAlive()).isTrue();
    assertThat(product.status()).isEqualTo(200);
    assertThat(product.instance()).isEqualTo("app-drain");
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().get("user").asString()).isEqualTo("heidi");
    assertThat(liveness.status()).isEqualTo(200);

    context.getBean(GracefulDrain.class).skipDelay();
    closing.join(Duration.ofSeconds(30).toMillis());
    assertThat(closing.isAlive()).isFalse();
    assertThatThrownBy(() -> browser.get(base + "/api/products/5"))
        .isInstanceOf(ConnectException.class);
  }
}
