package dev.strata.session.servlet;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/** One embedded Tomcat 11 on a free port with a servlet behind a filter. */
final class EmbeddedTomcat implements AutoCloseable {

  private final Tomcat tomcat = new Tomcat();
  private final int port;

  private EmbeddedTomcat(FilterDef filter, HttpServlet servlet) {
    try {
      Path base = Files.createTempDirectory("strata-tomcat");
      tomcat.setBaseDir(base.toString());
      tomcat.setPort(0);
      tomcat.getConnector();
      Context context = tomcat.addContext("", base.toString());
      context.addFilterDef(filter);
      FilterMap map = new FilterMap();
      map.setFilterName(filter.getFilterName());
      map.addURLPattern("/*");
      context.addFilterMap(map);
      Tomcat.addServlet(context, "shop", servlet);
      context.addServletMappingDecoded("/*", "shop");
      tomcat.start();
      port = tomcat.getConnector().getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (LifecycleException e) {
      throw new IllegalStateException("tomcat did not start", e);
    }
  }

  /** Starts Tomcat with a ready filter object (programmatic registration). */
  static EmbeddedTomcat start(Filter filter, HttpServlet servlet) {
    FilterDef def = new FilterDef();
    def.setFilterName("strataSession");
    def.setFilter(filter);
    return new EmbeddedTomcat(def, servlet);
  }

  /** Starts Tomcat with the filter declared by class name and init parameters, as in web.xml. */
  static EmbeddedTomcat startDeclared(Map<String, String> initParameters, HttpServlet servlet) {
    FilterDef def = new FilterDef();
    def.setFilterName("strataSession");
    def.setFilterClass(SessionFilter.class.getName());
    initParameters.forEach(def::addInitParameter);
    return new EmbeddedTomcat(def, servlet);
  }

  String baseUri() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    try {
      tomcat.stop();
      tomcat.destroy();
    } catch (LifecycleException e) {
      throw new IllegalStateException("tomcat did not stop", e);
    }
  }
}
