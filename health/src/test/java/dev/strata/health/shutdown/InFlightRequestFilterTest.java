package dev.strata.health.shutdown;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The filter counts synchronous requests until they return and async ones until they complete. */
class InFlightRequestFilterTest {

  @TempDir Path baseDir;

  private final InFlightRequests inFlight = new InFlightRequests();
  private final CountDownLatch releaseSync = new CountDownLatch(1);
  private final AtomicReference<AsyncContext> pendingAsync = new AtomicReference<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private Tomcat tomcat;

  @AfterEach
  void tearDown() throws Exception {
    releaseSync.countDown();
    if (tomcat != null) {
      tomcat.stop();
      tomcat.destroy();
    }
  }

  private int start() throws Exception {
    tomcat = new Tomcat();
    tomcat.setBaseDir(baseDir.toString());
    tomcat.setPort(0);
    tomcat.getConnector();
    Context ctx = tomcat.addContext("", baseDir.toString());
    Tomcat.addServlet(
        ctx,
        "sync",
        new HttpServlet() {
          @Override
          protected void doGet(HttpServletRequest req, HttpServletResponse resp)
              throws IOException {
            try {
              releaseSync.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            resp.getWriter().write("sync");
          }
        });
    ctx.addServletMappingDecoded("/sync", "sync");
    Wrapper async =
        Tomcat.addServlet(
            ctx,
            "async",
            new HttpServlet() {
              @Override
              protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                AsyncContext context = req.startAsync();
                context.setTimeout(60_000);
                pendingAsync.set(context);
              }
            });
    async.setAsyncSupported(true);
    ctx.addServletMappingDecoded("/async", "async");
    FilterDef def = new FilterDef();
    def.setFilterName("inFlight");
    def.setFilter(new InFlightRequestFilter(inFlight));
    def.setAsyncSupported("true");
    ctx.addFilterDef(def);
    FilterMap map = new FilterMap();
    map.setFilterName("inFlight");
    map.addURLPattern("/*");
    ctx.addFilterMap(map);
    tomcat.start();
    return tomcat.getConnector().getLocalPort();
  }

  private CompletableFuture<HttpResponse<String>> get(int port, String path) {
    return http.sendAsync(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void countsASynchronousRequestUntilItReturns() throws Exception {
    int port = start();
    CompletableFuture<HttpResponse<String>> response = get(port, "/sync");
    await().until(() -> inFlight.count() == 1);
    assertThat(inFlight.awaitZero(Duration.ZERO)).isFalse();
    releaseSync.countDown();
    assertThat(response.get().body()).isEqualTo("sync");
    await().until(() -> inFlight.count() == 0);
  }

  @Test
  void countsAnAsynchronousRequestUntilItCompletes() throws Exception {
    int port = start();
    CompletableFuture<HttpResponse<String>> response = get(port, "/async");
    await().until(() -> pendingAsync.get() != null);
    // the servlet returned, the request is still being served
    assertThat(inFlight.count()).isEqualTo(1);
    AsyncContext context = pendingAsync.get();
    context.getResponse().getWriter().write("async");
    context.complete();
    assertThat(response.get().body()).isEqualTo("async");
    assertThat(inFlight.awaitZero(Duration.ofSeconds(30))).isTrue();
  }
}
