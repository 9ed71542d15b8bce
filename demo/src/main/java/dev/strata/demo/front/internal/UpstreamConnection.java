package dev.strata.demo.front.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * One TCP connection to an endpoint, whose reads end at a deadline. Used by one request at a time;
 * {@link #close()} may be called from any thread (it unblocks a read in progress).
 */
final class UpstreamConnection implements AutoCloseable {

  private final String endpointId;
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private volatile long deadlineNanos;
  private long idleSinceNanos;
  private boolean reused;

  UpstreamConnection(String endpointId, Socket socket) throws IOException {
    this.endpointId = endpointId;
    this.socket = socket;
    this.in = new BufferedInputStream(new DeadlineInputStream(socket.getInputStream()), 16384);
    this.out = new BufferedOutputStream(socket.getOutputStream(), 16384);
  }

  String endpointId() {
    return endpointId;
  }

  /** Sets when reads stop waiting for the endpoint. */
  void deadline(long nanos) {
    this.deadlineNanos = nanos;
  }

  InputStream in() {
    return in;
  }

  OutputStream out() {
    return out;
  }

  /** Returns whether this connection carried a request before the current one. */
  boolean reused() {
    return reused;
  }

  /** Marks the connection idle (and reused from its next request on). */
  void idle(long nowNanos) {
    idleSinceNanos = nowNanos;
    reused = true;
  }

  long idleSinceNanos() {
    return idleSinceNanos;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing more to release
    }
  }

  /** Applies the connection's deadline to every read as a socket timeout. */
  private final class DeadlineInputStream extends InputStream {
    private final InputStream raw;

    DeadlineInputStream(InputStream raw) {
      this.raw = raw;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      long remainingMillis = (deadlineNanos - System.nanoTime()) / 1_000_000;
      if (remainingMillis <= 0) {
        throw new SocketTimeoutException("upstream timeout");
      }
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, remainingMillis));
      return raw.read(b, off, len);
    }
  }
}
