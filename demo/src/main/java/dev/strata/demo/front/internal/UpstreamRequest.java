package dev.strata.demo.front.internal;

import java.util.List;
import java.util.Map;

/**
 * A request as it is forwarded to an endpoint.
 *
 * @param method the method
 * @param target the origin-form target: raw path and query
 * @param headers the header fields to send, in order, already filtered (no hop-by-hop fields, no
 *     Content-Length)
 * @param body the body, empty for none
 */
public record UpstreamRequest(
    String method, String target, List<Map.Entry<String, String>> headers, byte[] body) {

  /**
   * Returns whether the response to this request has no body whatever its headers say.
   *
   * @return whether the method is HEAD
   */
  boolean isHead() {
    return "HEAD".equals(method);
  }
}
