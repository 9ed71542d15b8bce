package dev.strata.demo.front.internal;

import dev.strata.lb.Endpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.jspecify.annotations.Nullable;

/**
 * Sends requests to endpoints over HTTP/1.1 on plain sockets, keeping idle connections for reuse.
 *
 * <p>Only idempotent requests go out on a reused connection: an endpoint may close an idle
 * connection at any moment, and a request that fails on one before any byte of a response arrived
 * is sent again on a fresh connection to the same endpoint. A non-idempotent request always gets a
 * fresh connection, so a failure to open it proves that the endpoint never saw the request, and any
 * later failure is reported as one that may have reached it.
 *
 * <p>Thread-safe. {@link #close()} closes idle and active connections (unblocking their readers).
 */
public final class UpstreamClient implements AutoCloseable {

  private static final long MAX_IDLE_NANOS = Duration.ofSeconds(4).toNanos();
  private static final int MAX_IDLE_PER_ENDPOINT = 32;

  private final Map<String, ConcurrentLinkedDeque<UpstreamConnection>> idle =
      new ConcurrentHashMap<>();
  private final Set<UpstreamConnection> active = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * Sends a request and reads the complete response.
   *
   * @param endpoint where to send it
   * @param request the request
   * @param timeout the whole exchange's limit: connect, send and read
   * @param idempotent whether the request may go out on a reused connection
   * @return the response
   * @throws UpstreamFailure when no complete response arrived, with the kind of failure
   */
  public UpstreamResponse exchange(
      Endpoint endpoint, UpstreamRequest request, Duration timeout, boolean idempotent)
      throws UpstreamFailure {
    long deadline = System.nanoTime() + timeout.toNanos();
    if (idempotent) {
      UpstreamConnection pooled;
      while ((pooled = takeIdle(endpoint.id())) != null) {
        try {
          return exchangeOn(pooled, request, deadline);
        } catch (StaleConnectionException e) {
          // closed by the endpoint while idle: try the next one, then a fresh connection
        } catch (IOException e) {
          throw failure(endpoint, e);
        }
      }
    }
    UpstreamConnection fresh = connect(endpoint, deadline);
    try {
      return exchangeOn(fresh, request, deadline);
    } catch (IOException e) {
      throw failure(endpoint, e);
    }
  }

  /**
   * Closes the idle connections to an endpoint, for example when it went down or left the pool.
   *
   * @param endpointId the endpoint id
   */
  public void closeIdle(String endpointId) {
    ConcurrentLinkedDeque<UpstreamConnection> connections = idle.remove(endpointId);
    if (connections != null) {
      connections.forEach(UpstreamConnection::close);
    }
  }

  @Override
  public void close() {
    closed = true;
    for (String id : Set.copyOf(idle.keySet())) {
      closeIdle(id);
    }
    active.forEach(UpstreamConnection::close);
  }

  private UpstreamConnection connect(Endpoint endpoint, long deadline) throws UpstreamFailure {
    InetSocketAddress unresolved = endpoint.address();
    Socket socket = new Socket();
    try {
      long millis = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
      socket.setTcpNoDelay(true);
      socket.connect(
          new InetSocketAddress(unresolved.getHostString(), unresolved.getPort()),
          (int) Math.min(Integer.MAX_VALUE, millis));
      return new UpstreamConnection(endpoint.id(), socket);
    } catch (IOException e) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // the connect failure is what matters
      }
      throw new UpstreamFailure(
          UpstreamFailure.Kind.CONNECT,
          "cannot connect to " + endpoint.id() + " (" + describe(endpoint) + "): " + e,
          e);
    }
  }

  private UpstreamResponse exchangeOn(
      UpstreamConnection connection, UpstreamRequest request, long deadline) throws IOException {
    connection.deadline(deadline);
    active.add(connection);
    HttpResponseReader reader = new HttpResponseReader(connection.in());
    boolean keep = false;
    try {
      if (closed) {
        throw new IOException("upstream client is closed");
      }
      writeRequest(connection.out(), request);
      UpstreamResponse response = reader.read(request.isHead());
      keep = response.keepAlive();
      return response;
    } catch (IOException e) {
      if (connection.reused() && !reader.anyByteRead() && !(e instanceof SocketTimeoutException)) {
        throw new StaleConnectionException(e);
      }
      throw e;
    } finally {
      active.remove(connection);
      if (keep && !closed) {
        release(connection);
      } else {
        connection.close();
      }
    }
  }

  private static void writeRequest(OutputStream out, UpstreamRequest request) throws IOException {
    StringBuilder head = new StringBuilder(512);
    head.append(request.method()).append(' ').append(request.target()).append(" HTTP/1.1\r\n");
    for (Map.Entry<String, String> field : request.headers()) {
      head.append(field.getKey()).append(": ").append(field.getValue()).append("\r\n");
    }
    byte[] body = request.body();
    if (body.length > 0 || bodyExpected(request.method())) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
  }

  private static boolean bodyExpected(String method) {
    return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
  }

  private @Nullable UpstreamConnection takeIdle(String endpointId) {
    ConcurrentLinkedDeque<UpstreamConnection> connections = idle.get(endpointId);
    if (connections == null) {
      return null;
    }
    long now = System.nanoTime();
    UpstreamConnection connection;
    while ((connection = connections.pollFirst()) != null) {
      if (now - connection.idleSinceNanos() < MAX_IDLE_NANOS) {
        return connection; // most recently used first: the least likely to be closed
      }
      connection.close();
    }
    return null;
  }

  private void release(UpstreamConnection connection) {
    ConcurrentLinkedDeque<UpstreamConnection> connections =
        idle.computeIfAbsent(connection.endpointId(), id -> new ConcurrentLinkedDeque<>());
    connection.idle(System.nanoTime());
    connections.addFirst(connection);
    while (connections.size() > MAX_IDLE_PER_ENDPOINT) {
      UpstreamConnection oldest = connections.pollLast();
      if (oldest == null) {
        break;
      }
      oldest.close();
    }
    if (closed) {
      closeIdle(connection.endpointId());
    }
  }

  private static UpstreamFailure failure(Endpoint endpoint, IOException e) {
    if (e instanceof SocketTimeoutException) {
      return new UpstreamFailure(
          UpstreamFailure.Kind.TIMEOUT, "no response from " + endpoint.id() + " in time", e);
    }
    return new UpstreamFailure(
        UpstreamFailure.Kind.RESET, "exchange with " + endpoint.id() + " failed: " + e, e);
  }

  private static String describe(Endpoint endpoint) {
    return endpoint.address().getHostString() + ":" + endpoint.address().getPort();
  }

  /** A reused connection failed before any byte of the response: the endpoint had closed it. */
  private static final class StaleConnectionException extends IOException {
    private static final long serialVersionUID = 1L;

    StaleConnectionException(IOException cause) {
      super("idle connection was closed by the endpoint", cause);
    }
  }
}
