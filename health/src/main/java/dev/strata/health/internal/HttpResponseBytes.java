package dev.strata.health.internal;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Formats a complete HTTP/1.1 response of the health endpoint: status line, {@code Content-Type},
 * {@code Content-Length}, {@code Cache-Control: no-store}, {@code Connection: close} (every
 * connection carries one request), an optional {@code Allow}, and the body unless the request was
 * HEAD. Stateless.
 */
public final class HttpResponseBytes {

  private HttpResponseBytes() {}

  /**
   * Formats a response.
   *
   * @param status the status code
   * @param contentType the content type of the body
   * @param allow the value of an {@code Allow} header, or null for none
   * @param body the body (its length is announced even for HEAD)
   * @param head whether the request was HEAD, so the body is left out
   * @return the bytes to write
   */
  public static byte[] format(
      int status, String contentType, @Nullable String allow, byte[] body, boolean head) {
    StringBuilder h = new StringBuilder(160);
    h.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
    h.append("Content-Type: ").append(contentType).append("\r\n");
    h.append("Content-Length: ").append(body.length).append("\r\n");
    h.append("Cache-Control: no-store\r\n");
    h.append("Connection: close\r\n");
    if (allow != null) {
      h.append("Allow: ").append(allow).append("\r\n");
    }
    h.append("\r\n");
    byte[] headBytes = h.toString().getBytes(StandardCharsets.ISO_8859_1);
    if (head || body.length == 0) {
      return headBytes;
    }
    byte[] all = new byte[headBytes.length + body.length];
    System.arraycopy(headBytes, 0, all, 0, headBytes.length);
    System.arraycopy(body, 0, all, headBytes.length, body.length);
    return all;
  }

  /**
   * Formats a JSON error response {@code {"error":"message"}}.
   *
   * @param status the status code
   * @param message the message
   * @param allow the value of an {@code Allow} header, or null
   * @param head whether the request was HEAD
   * @return the bytes to write
   */
  public static byte[] error(int status, String message, @Nullable String allow, boolean head) {
    StringBuilder body = new StringBuilder("{\"error\":");
    JsonReportWriter.string(body, message);
    body.append('}');
    return format(
        status,
        "application/json; charset=utf-8",
        allow,
        body.toString().getBytes(StandardCharsets.UTF_8),
        head);
  }

  private static String reason(int status) {
    switch (status) {
      case 200:
        return "OK";
      case 400:
        return "Bad Request";
      case 404:
        return "Not Found";
      case 405:
        return "Method Not Allowed";
      case 408:
        return "Request Timeout";
      case 431:
        return "Request Header Fields Too Large";
      case 503:
        return "Service Unavailable";
      default:
        return "Status";
    }
  }
}
