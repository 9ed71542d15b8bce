package dev.strata.demo.front.internal;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which header fields cross the front: everything but the hop-by-hop fields (RFC 9110 7.6.1: those
 * of the Connection field and the fixed list), the framing fields the front sets itself, and, on
 * requests, {@code Expect}; requests get the client's address appended to {@code X-Forwarded-For}.
 * Repeated fields (Cookie, Set-Cookie) are kept as separate fields in their order.
 */
public final class ForwardedHeaders {

  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-authenticate",
          "proxy-authorization",
          "proxy-connection",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "content-length");

  private ForwardedHeaders() {}

  /**
   * Returns the header fields to send upstream for a client request.
   *
   * @param exchange the client's exchange
   * @return the fields, in order
   */
  public static List<Map.Entry<String, String>> request(HttpExchange exchange) {
    Headers in = exchange.getRequestHeaders();
    Set<String> dropped = dropped(in.get("Connection"));
    dropped.add("expect");
    dropped.add("x-forwarded-for");
    List<Map.Entry<String, String>> out = new ArrayList<>();
    boolean host = false;
    for (Map.Entry<String, List<String>> field : in.entrySet()) {
      String name = field.getKey();
      String lower = name.toLowerCase(Locale.ROOT);
      if (dropped.contains(lower)) {
        continue;
      }
      host |= lower.equals("host");
      for (String value : field.getValue()) {
        if (safe(value)) {
          out.add(Map.entry(name, value));
        }
      }
    }
    if (!host) {
      InetSocketAddress local = exchange.getLocalAddress();
      out.add(Map.entry("Host", local.getHostString() + ":" + local.getPort()));
    }
    List<String> forwardedFor = in.get("X-Forwarded-For");
    String client = exchange.getRemoteAddress().getAddress().getHostAddress();
    StringBuilder chain = new StringBuilder();
    if (forwardedFor != null) {
      for (String value : forwardedFor) {
        if (safe(value) && !value.isBlank()) {
          chain.append(value.trim()).append(", ");
        }
      }
    }
    out.add(Map.entry("X-Forwarded-For", chain.append(client).toString()));
    return out;
  }

  /**
   * Copies an endpoint's response header fields to the client's response.
   *
   * @param fields the fields as received from the endpoint
   * @param out the client response's headers
   */
  public static void response(List<Map.Entry<String, String>> fields, Headers out) {
    List<String> connection = new ArrayList<>();
    for (Map.Entry<String, String> field : fields) {
      if (field.getKey().equalsIgnoreCase("connection")) {
        connection.add(field.getValue());
      }
    }
    Set<String> dropped = dropped(connection);
    for (Map.Entry<String, String> field : fields) {
      if (!dropped.contains(field.getKey().toLowerCase(Locale.ROOT)) && safe(field.getValue())) {
        out.add(field.getKey(), field.getValue());
      }
    }
  }

  /**
   * Returns whether the client asked to close its connection after this exchange.
   *
   * @param requestHeaders the client request's headers
   * @return whether a Connection field holds the {@code close} option
   */
  public static boolean clientCloses(Headers requestHeaders) {
    List<String> values = requestHeaders.get("Connection");
    return values != null && dropped(values).contains("close");
  }

  private static Set<String> dropped(@Nullable List<String> connectionValues) {
    Set<String> dropped = new HashSet<>(HOP_BY_HOP);
    if (connectionValues != null) {
      for (String value : connectionValues) {
        for (String token : value.split(",")) {
          dropped.add(token.trim().toLowerCase(Locale.ROOT));
        }
      }
    }
    return dropped;
  }

  private static boolean safe(String value) {
    return value.indexOf('\r') < 0 && value.indexOf('\n') < 0;
  }
}
