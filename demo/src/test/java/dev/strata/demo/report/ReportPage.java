package dev.strata.demo.report;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.htmlunit.BrowserVersion;
import org.htmlunit.ScriptException;
import org.htmlunit.WebClient;
import org.htmlunit.WebRequest;
import org.htmlunit.WebResponse;
import org.htmlunit.html.DomElement;
import org.htmlunit.html.DomNode;
import org.htmlunit.html.HtmlPage;
import org.htmlunit.javascript.SilentJavaScriptErrorListener;
import org.htmlunit.util.WebConnectionWrapper;

/**
 * An HTML report loaded in HtmlUnit with JavaScript on: script errors fail the load, every other
 * error is collected, and every URL the page requests is recorded.
 */
public final class ReportPage implements AutoCloseable {
  private final WebClient client;
  private final HtmlPage page;
  private final List<String> errors;
  private final List<String> urls;

  private ReportPage(WebClient client, HtmlPage page, List<String> errors, List<String> urls) {
    this.client = client;
    this.page = page;
    this.errors = errors;
    this.urls = urls;
  }

  /**
   * Loads the file.
   *
   * @param file an HTML report
   * @return the loaded page
   * @throws IOException when the file cannot be read
   * @throws ScriptException when a script fails
   */
  public static ReportPage load(Path file) throws IOException {
    WebClient client = new WebClient(BrowserVersion.FIREFOX);
    List<String> errors = new CopyOnWriteArrayList<>();
    List<String> urls = new CopyOnWriteArrayList<>();
    client.getOptions().setJavaScriptEnabled(true);
    client.getOptions().setCssEnabled(true);
    client.getOptions().setThrowExceptionOnScriptError(true);
    client.getOptions().setThrowExceptionOnFailingStatusCode(true);
    client.setJavaScriptErrorListener(
        new SilentJavaScriptErrorListener() {
          @Override
          public void scriptException(HtmlPage p, ScriptException e) {
            errors.add("script: " + e.getMessage());
          }

          @Override
          public void loadScriptError(HtmlPage p, URL url, Exception e) {
            errors.add("load " + url + ": " + e.getMessage());
          }

          @Override
          public void timeoutError(HtmlPage p, long allowed, long executed) {
            errors.add("timeout after " + executed + " ms");
          }
        });
    new WebConnectionWrapper(client) {
      @Override
      public WebResponse getResponse(WebRequest request) throws IOException {
        urls.add(request.getUrl().toString());
        return super.getResponse(request);
      }
    };
    try {
      HtmlPage page = client.getPage(file.toUri().toURL());
      client.waitForBackgroundJavaScript(1000);
      return new ReportPage(client, page, errors, urls);
    } catch (IOException | RuntimeException e) {
      client.close();
      throw e;
    }
  }

  public HtmlPage page() {
    return page;
  }

  /** Returns the script errors reported so far. */
  public List<String> scriptErrors() {
    return List.copyOf(errors);
  }

  /** Returns every URL the page requested over the network (the loaded file itself is not one). */
  public List<String> requestedUrls() {
    return List.copyOf(urls);
  }

  /** Returns the series names drawn in a chart. */
  public List<String> chartSeries(String chartId) {
    List<String> names = new ArrayList<>();
    for (DomNode node : page.querySelectorAll("#" + chartId + " g.series")) {
      names.add(((DomElement) node).getAttribute("data-series"));
    }
    return names;
  }

  /** Returns how many data points a chart draws. */
  public int pointCount(String chartId) {
    return page.querySelectorAll("#" + chartId + " circle.point").size();
  }

  @Override
  public void close() {
    client.close();
  }
}
