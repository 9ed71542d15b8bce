package dev.strata.demo.front;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend that reads each request completely (head and Content-Length body) and then resets the
 * connection (RST) without answering: the request reached it, its outcome is unknown to the client.
 */
final class ResettingBackend implements AutoCloseable {

  final AtomicInteger requests = new AtomicInteger();
  private final ServerSocket server;
  private final Thread acceptor;

  ResettingBackend() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::acceptLoop, "resetting-backend");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try (Socket socket = server.accept()) {
        if (readRequest(socket.getInputStream())) {
          requests.incrementAndGet();
          socket.setSoLinger(true, 0); // close with RST
        }
      } catch (IOException e) {
        // closed, or the client went away
      }
    }
  }

  private static boolean readRequest(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      String text = head.toString(StandardCharsets.ISO_8859_1);
      if (text.endsWith("\r\n\r\n")) {
        int length = 0;
        for (String line : text.split("\r\n")) {
          if (line.toLowerCase().startsWith("content-length:")) {
            length = Integer.parseInt(line.substring(15).trim());
          }
        }
        return in.readNBytes(length).length == length;
      }
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
