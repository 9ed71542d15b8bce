package dev.strata.demo.front.internal;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads one HTTP/1.1 response from a stream: status line, header fields and a body framed by
 * Content-Length, chunked transfer coding or the end of the connection. Interim 1xx responses are
 * skipped. Limits: 8 KiB per line, 100 header fields, {@value #MAX_BODY} bytes of body. Not
 * thread-safe; one instance per response.
 */
final class HttpResponseReader {

  /** The largest body accepted from an endpoint. */
  static final int MAX_BODY = 32 << 20;

  private static final int MAX_LINE = 8192;
  private static final int MAX_FIELDS = 100;

  private final InputStream in;
  private boolean anyByteRead;

  HttpResponseReader(InputStream in) {
    this.in = in;
  }

  /**
   * Returns whether any byte of the response was read; a reused connection that fails before that
   * was closed by the endpoint while idle.
   */
  boolean anyByteRead() {
    return anyByteRead;
  }

  UpstreamResponse read(boolean headRequest) throws IOException {
    while (true) {
      String statusLine = readLine();
      if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
        throw new ProtocolException("malformed status line: " + abbreviate(statusLine));
      }
      boolean http10 = statusLine.charAt(7) == '0';
      int status = parseStatus(statusLine);
      List<Map.Entry<String, String>> headers = readFields();
      if (status >= 100 && status < 200) {
        if (status == 101) {
          throw new ProtocolException("protocol upgrades are not supported");
        }
        continue; // interim response, e.g. 100 Continue
      }
      String connection = joined(headers, "connection");
      boolean keepAlive =
          http10 ? connection.contains("keep-alive") : !connection.contains("close");
      byte[] body;
      if (headRequest || status == 204 || status == 304) {
        body = new byte[0];
      } else if (joined(headers, "transfer-encoding").contains("chunked")) {
        body = readChunked();
      } else {
        String length = first(headers, "content-length");
        if (length != null) {
          body = readFixed(parseLength(length));
        } else {
          body = readToEnd();
          keepAlive = false;
        }
      }
      return new UpstreamResponse(status, List.copyOf(headers), body, keepAlive);
    }
  }

  private static int parseStatus(String statusLine) throws ProtocolException {
    try {
      int status = Integer.parseInt(statusLine.substring(9, 12));
      if (status < 100 || status > 599) {
        throw new ProtocolException("status out of range: " + status);
      }
      return status;
    } catch (NumberFormatException e) {
      throw new ProtocolException("malformed status line: " + abbreviate(statusLine));
    }
  }

  private static long parseLength(String value) throws ProtocolException {
    try {
      long length = Long.parseLong(value.trim());
      if (length < 0) {
        throw new ProtocolException("negative Content-Length: " + value);
      }
      return length;
    } catch (NumberFormatException e) {
      throw new ProtocolException("malformed Content-Length: " + abbreviate(value));
    }
  }

  private List<Map.Entry<String, String>> readFields() throws IOException {
    List<Map.Entry<String, String>> fields = new ArrayList<>();
    while (true) {
      String line = readLine();
      if (line.isEmpty()) {
        return fields;
      }
      if (fields.size() == MAX_FIELDS) {
        throw new ProtocolException("more than " + MAX_FIELDS + " header fields");
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new ProtocolException("malformed header field: " + abbreviate(line));
      }
      fields.add(Map.entry(line.substring(0, colon).trim(), line.substring(colon + 1).trim()));
    }
  }

  private byte[] readChunked() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String line = readLine();
      int semicolon = line.indexOf(';');
      String hex = (semicolon < 0 ? line : line.substring(0, semicolon)).trim();
      long size;
      try {
        size = Long.parseLong(hex, 16);
      } catch (NumberFormatException e) {
        throw new ProtocolException("malformed chunk size: " + abbreviate(line));
      }
      if (size < 0 || body.size() + size > MAX_BODY) {
        throw new ProtocolException("response body larger than " + MAX_BODY + " bytes");
      }
      if (size == 0) {
        readFields(); // trailer fields are dropped
        return body.toByteArray();
      }
      body.write(readFixed(size));
      if (!readLine().isEmpty()) {
        throw new ProtocolException("chunk not followed by CRLF");
      }
    }
  }

  private byte[] readFixed(long length) throws IOException {
    if (length > MAX_BODY) {
      throw new ProtocolException("response body larger than " + MAX_BODY + " bytes");
    }
    byte[] body = in.readNBytes((int) length);
    if (body.length < length) {
      throw new EOFException("connection closed after " + body.length + " of " + length + " bytes");
    }
    return body;
  }

  private byte[] readToEnd() throws IOException {
    byte[] body = in.readNBytes(MAX_BODY + 1);
    if (body.length > MAX_BODY) {
      throw new ProtocolException("response body larger than " + MAX_BODY + " bytes");
    }
    return body;
  }

  private String readLine() throws IOException {
    StringBuilder line = new StringBuilder();
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException(
            anyByteRead ? "connection closed in the middle of a response" : "no response");
      }
      anyByteRead = true;
      if (b == '\n') {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
          line.setLength(end - 1);
        }
        return line.toString();
      }
      if (line.length() == MAX_LINE) {
        throw new ProtocolException("line longer than " + MAX_LINE + " bytes");
      }
      line.append((char) b); // ISO-8859-1, as HTTP/1.1 field values are read
    }
  }

  private static String joined(List<Map.Entry<String, String>> fields, String lowerName) {
    StringBuilder all = new StringBuilder();
    for (Map.Entry<String, String> field : fields) {
      if (field.getKey().equalsIgnoreCase(lowerName)) {
        all.append(field.getValue().toLowerCase(Locale.ROOT)).append(',');
      }
    }
    return all.toString();
  }

  private static @Nullable String first(List<Map.Entry<String, String>> fields, String lowerName) {
    for (Map.Entry<String, String> field : fields) {
      if (field.getKey().equalsIgnoreCase(lowerName)) {
        return field.getValue();
      }
    }
    return null;
  }

  private static String abbreviate(String text) {
    return text.length() > 80 ? text.substring(0, 80) + "..." : text;
  }
}
