package dev.strata.testsupport.internal;

import dev.strata.testsupport.RedisReplyException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A minimal RESP2 client for administrative commands (PING, FLUSHALL, CLUSTER ...). Each call opens
 * its own socket, so a call never sees a connection broken by an earlier kill or restart. Replies
 * map to {@link String} (simple and bulk strings), {@link Long} (integers), {@link List} (arrays)
 * or {@code null} (nil); an error reply throws {@link RedisReplyException}. Thread-safe: instances
 * hold no connection state.
 */
public final class RespClient {
  private final String host;
  private final int port;
  private final @Nullable String username;
  private final @Nullable String password;

  /**
   * Creates a client for one server.
   *
   * @param host the host to connect to
   * @param port the port to connect to
   * @param username the ACL user name, or null for the default user
   * @param password the password, or null when the server has none
   */
  public RespClient(String host, int port, @Nullable String username, @Nullable String password) {
    this.host = host;
    this.port = port;
    this.username = username;
    this.password = password;
  }

  /** Returns the host this client connects to. */
  public String host() {
    return host;
  }

  /** Returns the port this client connects to. */
  public int port() {
    return port;
  }

  /**
   * Sends one command and returns its reply.
   *
   * @param timeout bound for connecting and for waiting on the reply
   * @param args the command and its arguments
   * @return the decoded reply
   * @throws UncheckedIOException when the server cannot be reached or the connection breaks
   * @throws RedisReplyException when the server answers with an error
   */
  public @Nullable Object call(Duration timeout, String... args) {
    try (Socket socket = new Socket()) {
      int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(host, port), millis);
      socket.setSoTimeout(millis);
      OutputStream out = socket.getOutputStream();
      InputStream in = new BufferedInputStream(socket.getInputStream());
      if (password != null) {
        if (username != null) {
          out.write(encode("AUTH", username, password));
        } else {
          out.write(encode("AUTH", password));
        }
        out.flush();
        read(in);
      }
      out.write(encode(args));
      out.flush();
      return read(in);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Redis at " + host + ":" + port + " failed on " + args[0] + ": " + e.getMessage(), e);
    }
  }

  private static byte[] encode(String... args) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(64);
    writeAscii(buffer, "*" + args.length + "\r\n");
    for (String arg : args) {
      byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
      writeAscii(buffer, "$" + bytes.length + "\r\n");
      buffer.writeBytes(bytes);
      writeAscii(buffer, "\r\n");
    }
    return buffer.toByteArray();
  }

  private static void writeAscii(ByteArrayOutputStream buffer, String text) {
    buffer.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
  }

  private static @Nullable Object read(InputStream in) throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new EOFException("connection closed by server");
    }
    String line = readLine(in);
    switch (type) {
      case '+':
        return line;
      case '-':
        throw new RedisReplyException(line);
      case ':':
        return Long.parseLong(line);
      case '$':
        {
          int length = Integer.parseInt(line);
          if (length < 0) {
            return null;
          }
          byte[] data = in.readNBytes(length);
          if (data.length < length) {
            throw new EOFException("connection closed in the middle of a reply");
          }
          readLine(in);
          return new String(data, StandardCharsets.UTF_8);
        }
      case '*':
        {
          int count = Integer.parseInt(line);
          if (count < 0) {
            return null;
          }
          List<@Nullable Object> items = new ArrayList<>(count);
          for (int i = 0; i < count; i++) {
            items.add(read(in));
          }
          return items;
        }
      default:
        throw new IOException("unexpected RESP type byte " + type);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(32);
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed in the middle of a reply");
      }
      if (b == '\r') {
        int next = in.read();
        if (next != '\n') {
          throw new IOException("malformed RESP line ending");
        }
        return line.toString(StandardCharsets.UTF_8);
      }
      line.write(b);
    }
  }
}
