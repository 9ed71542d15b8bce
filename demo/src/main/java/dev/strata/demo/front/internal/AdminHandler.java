package dev.strata.demo.front.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.strata.demo.front.InstanceControl;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The front's own paths under {@code /_front/}: {@code GET /_front/status} (every endpoint as JSON)
 * and {@code POST /_front/instances/{id}/{stop|kill|start}} (delegated to the {@link
 * InstanceControl}, answered when it returns). Other paths answer 404, other methods 405.
 */
public final class AdminHandler implements HttpHandler {

  /** The prefix of the admin paths. */
  public static final String PREFIX = "/_front/";

  private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);

  private final EndpointSet endpoints;
  private final @Nullable InstanceControl control;
  private final JsonMapper json = JsonMapper.builder().build();

  /**
   * Creates the handler.
   *
   * @param endpoints the endpoints shown and controlled
   * @param control what stops, kills and starts instances, or null when nothing does
   */
  public AdminHandler(EndpointSet endpoints, @Nullable InstanceControl control) {
    this.endpoints = endpoints;
    this.control = control;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      if (path.equals(PREFIX + "status")) {
        if (!method.equals("GET")) {
          methodNotAllowed(exchange, "GET");
          return;
        }
        send(exchange, 200, endpoints.views());
        return;
      }
      String[] parts = path.substring(PREFIX.length()).split("/", -1);
      if (parts.length == 3 && parts[0].equals("instances")) {
        if (!method.equals("POST")) {
          methodNotAllowed(exchange, "POST");
          return;
        }
        control(exchange, parts[1], parts[2]);
        return;
      }
      send(exchange, 404, Map.of("error", "no such path: " + path));
    }
  }

  private void control(HttpExchange exchange, String id, String action) throws IOException {
    if (!endpoints.contains(id)) {
      send(exchange, 404, Map.of("error", "no instance '" + id + "'"));
      return;
    }
    InstanceControl target = control;
    if (target == null) {
      send(exchange, 501, Map.of("error", "instance control is not configured"));
      return;
    }
    try {
      switch (action) {
        case "stop" -> target.stop(id);
        case "kill" -> target.kill(id);
        case "start" -> target.start(id);
        default -> {
          send(
              exchange,
              404,
              Map.of("error", "unknown action '" + action + "' (stop, kill or start)"));
          return;
        }
      }
    } catch (RuntimeException e) {
      log.warn("{} of instance {} failed", action, id, e);
      send(exchange, 500, Map.of("error", action + " of " + id + " failed: " + e.getMessage()));
      return;
    }
    log.info("instance {}: {} done", id, action);
    Map<String, String> done = new LinkedHashMap<>();
    done.put("id", id);
    done.put("action", action);
    send(exchange, 200, done);
  }

  private void methodNotAllowed(HttpExchange exchange, String allowed) throws IOException {
    exchange.getResponseHeaders().set("Allow", allowed);
    send(exchange, 405, Map.of("error", "use " + allowed));
  }

  private void send(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = json.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
