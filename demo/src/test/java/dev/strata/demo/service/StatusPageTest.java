package dev.strata.demo.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.htmlunit.ScriptException;
import org.htmlunit.WebClient;
import org.htmlunit.html.HtmlForm;
import org.htmlunit.html.HtmlPage;
import org.htmlunit.javascript.JavaScriptErrorListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The status page in a browser (HtmlUnit, scripts on), opened through a stand-in for the front
 * balancer that proxies to an instance and answers the front's own {@code /_front/...} paths.
 */
class StatusPageTest {

  private static DemoBackends backends;
  private static HttpServer front;
  private static final List<String> controlRequests = new CopyOnWriteArrayList<>();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    backends = new DemoBackends();
    String instance = DemoBackends.baseUrl(backends.start("app-a"));
    front = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    front.createContext(
        "/",
        exchange -> {
          try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/_front/status")) {
              reply(
                  exchange,
                  200,
                  "[{\"id\":\"app-a\",\"port\":1,\"up\":true,\"ejected\":false,\"draining\":false,"
                      + "\"inFlight\":0,\"served\":3},{\"id\":\"app-b\",\"port\":2,\"up\":false,"
                      + "\"ejected\":false,\"draining\":false,\"inFlight\":0,\"served\":0}]");
            } else if (path.startsWith("/_front/instances/")) {
              controlRequests.add(exchange.getRequestMethod() + " " + path);
              reply(exchange, 200, "{}");
            } else {
              proxy(exchange, instance);
            }
          }
        });
    front.start();
  }

  @AfterAll
  static void stop() {
    if (front != null) {
      front.stop(0);
    }
    if (backends != null) {
      backends.close();
    }
  }

  @Test
  void aPersonLogsInAddsToTheCartAndControlsInstancesWithoutScriptErrors() throws Exception {
    List<String> scriptErrors = new CopyOnWriteArrayList<>();
    try (WebClient browser = new WebClient()) {
      browser.getOptions().setThrowExceptionOnScriptError(false);
      browser.setJavaScriptErrorListener(new Collecting(scriptErrors));
      String url = "http://127.0.0.1:" + front.getAddress().getPort() + "/";
      HtmlPage page = browser.getPage(url);
      assertThat(page.getElementById("instance").getTextContent()).isEqualTo("app-a");

      HtmlForm login = (HtmlForm) page.getElementById("login");
      login.getInputByName("user").setValue("ivan");
      login.getButtonByName("login").click();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> current(browser).getElementById("add") != null);
      assertThat(current(browser).asNormalizedText()).contains("ivan");

      HtmlForm add = (HtmlForm) current(browser).getElementById("add");
      add.getInputByName("productId").setValue("17");
      add.getInputByName("quantity").setValue("4");
      add.getButtonByName("add").click();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> current(browser).getElementById("cart").asNormalizedText().contains("17"));

      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> current(browser).getElementById("kill-app-b") != null);
      assertThat(current(browser).getElementById("instances").asNormalizedText())
          .contains("app-a")
          .contains("up")
          .contains("app-b")
          .contains("down");
      current(browser).getElementById("kill-app-b").click();
      await().atMost(Duration.ofSeconds(20)).until(() -> !controlRequests.isEmpty());
      assertThat(controlRequests).containsExactly("POST /_front/instances/app-b/kill");
    }
    assertThat(scriptErrors).isEmpty();
  }

  @Test
  void withoutAFrontThePageSaysWhereToOpenIt() throws Exception {
    List<String> scriptErrors = new CopyOnWriteArrayList<>();
    try (WebClient browser = new WebClient()) {
      browser.getOptions().setThrowExceptionOnScriptError(false);
      browser.setJavaScriptErrorListener(new Collecting(scriptErrors));
      String direct = DemoBackends.baseUrl(backends.instances().get(0)) + "/";
      browser.getPage(direct);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  current(browser)
                      .getElementById("message")
                      .getTextContent()
                      .contains("open this page through the front balancer"));
    }
    assertThat(scriptErrors).isEmpty();
  }

  private static HtmlPage current(WebClient browser) {
    return (HtmlPage) browser.getCurrentWindow().getEnclosedPage();
  }

  private static void reply(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  private static void proxy(HttpExchange exchange, String instance) throws IOException {
    try {
      byte[] in = exchange.getRequestBody().readAllBytes();
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(instance + exchange.getRequestURI()))
              .method(
                  exchange.getRequestMethod(),
                  in.length == 0
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(in));
      for (String header : List.of("Cookie", "Content-Type")) {
        String value = exchange.getRequestHeaders().getFirst(header);
        if (value != null) {
          request.header(header, value);
        }
      }
      HttpResponse<byte[]> response =
          HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      for (String header : List.of("Set-Cookie", "Content-Type", InstanceHeaderFilter.HEADER)) {
        for (String value : response.headers().allValues(header)) {
          exchange.getResponseHeaders().add(header, value);
        }
      }
      byte[] out = response.body();
      exchange.sendResponseHeaders(response.statusCode(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        exchange.getResponseBody().write(out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** Records every script problem HtmlUnit reports. */
  private record Collecting(List<String> errors) implements JavaScriptErrorListener {
    @Override
    public void scriptException(HtmlPage page, ScriptException exception) {
      errors.add(exception.getMessage());
    }

    @Override
    public void timeoutError(HtmlPage page, long allowedTime, long executionTime) {
      errors.add("timeout");
    }

    @Override
    public void malformedScriptURL(
        HtmlPage page, String url, java.net.MalformedURLException exception) {
      errors.add(url);
    }

    @Override
    public void loadScriptError(HtmlPage page, java.net.URL url, Exception exception) {
      errors.add(url.toString());
    }

    @Override
    public void warn(String message, String sourceName, int line, String lineSource, int offset) {}
  }
}
