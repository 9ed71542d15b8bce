package dev.strata.health.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health endpoint's own HTTP/1.1 server: one selector thread accepts connections, reads each
 * request head without blocking and writes responses; only complete request heads reach the probe
 * workers. So a client that connects and sends nothing, or sends its head a byte at a time, holds a
 * connection slot and a little memory, never a thread.
 *
 * <ul>
 *   <li>a connection must deliver its request head within the header-read timeout, or it is closed;
 *       a response not taken by the client within that time again is dropped;
 *   <li>a head larger than the size cap is answered with 431 and the connection closed; a malformed
 *       one with 400;
 *   <li>at most {@code maxConnections} connections are open: when a new one arrives at the cap, the
 *       oldest connection still sending its head (and connected for at least 100 ms) is closed to
 *       make room, so slow clients cannot lock probes out; if every open connection has a request
 *       in progress, new connections wait in the listen backlog until one finishes;
 *   <li>one request per connection, answered with {@code Connection: close}; after the response the
 *       server half-closes and waits (up to the timeout) for the client to close, so that unread
 *       input cannot reset the connection before the client has read the response.
 * </ul>
 *
 * <p>Thread-safe: {@link #close()} may be called from any thread.
 */
public final class HealthHttpServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HealthHttpServer.class);
  private static final long TICK_MILLIS = 50;
  private static final int BACKLOG = 1024;
  // a connection younger than this is not closed to make room: a legitimate client in a burst
  // needs a moment between connecting and sending its head
  private static final long EVICTION_GRACE_NANOS = 100_000_000L;

  private final ServerSocketChannel server;
  private final Selector selector;
  private final HealthHttpHandler handler;
  private final ExecutorService workers;
  private final int maxConnections;
  private final int maxHeadBytes;
  private final long headerTimeoutNanos;
  private final LinkedHashSet<Connection> connections = new LinkedHashSet<>();
  private final ConcurrentLinkedQueue<Connection> answered = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final SelectionKey acceptKey;
  private boolean acceptPaused;
  private final Thread loop;

  private HealthHttpServer(
      ServerSocketChannel server,
      Selector selector,
      SelectionKey acceptKey,
      HealthHttpHandler handler,
      ExecutorService workers,
      int maxConnections,
      int maxHeadBytes,
      long headerTimeoutNanos) {
    this.server = server;
    this.selector = selector;
    this.acceptKey = acceptKey;
    this.handler = handler;
    this.workers = workers;
    this.maxConnections = maxConnections;
    this.maxHeadBytes = maxHeadBytes;
    this.headerTimeoutNanos = headerTimeoutNanos;
    this.loop = new DaemonThreadFactory("strata-health-io").newThread(this::run);
  }

  /**
   * Binds and starts serving.
   *
   * @param address where to listen
   * @param handler routes complete requests
   * @param workers runs the handler; bounded, owned by the caller
   * @param maxConnections the cap on open connections
   * @param maxHeadBytes the cap on a request head's size
   * @param headerTimeoutNanos how long a client may take to send its request head
   * @return the running server
   * @throws IOException if the address cannot be bound
   */
  public static HealthHttpServer start(
      InetSocketAddress address,
      HealthHttpHandler handler,
      ExecutorService workers,
      int maxConnections,
      int maxHeadBytes,
      long headerTimeoutNanos)
      throws IOException {
    Selector selector = Selector.open();
    ServerSocketChannel server = ServerSocketChannel.open();
    SelectionKey acceptKey;
    try {
      server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      server.bind(address, BACKLOG);
      server.configureBlocking(false);
      acceptKey = server.register(selector, SelectionKey.OP_ACCEPT);
    } catch (IOException | RuntimeException e) {
      server.close();
      selector.close();
      throw e;
    }
    HealthHttpServer s =
        new HealthHttpServer(
            server,
            selector,
            acceptKey,
            handler,
            workers,
            maxConnections,
            maxHeadBytes,
            headerTimeoutNanos);
    s.loop.start();
    return s;
  }

  /**
   * The bound address.
   *
   * @return the local address, with the actual port
   */
  public InetSocketAddress address() {
    try {
      return (InetSocketAddress) server.getLocalAddress();
    } catch (IOException e) {
      throw new IllegalStateException("health endpoint socket is closed", e);
    }
  }

  /** Stops accepting, closes every connection and stops the selector thread. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      selector.wakeup();
      try {
        loop.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void run() {
    try {
      while (!closed.get()) {
        selector.select(TICK_MILLIS);
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
          SelectionKey key = keys.next();
          keys.remove();
          try {
            if (key.isAcceptable()) {
              accept();
            } else if (key.attachment() instanceof Connection c) {
              if (key.isReadable()) {
                read(c);
              } else if (key.isWritable()) {
                write(c);
              }
            }
          } catch (CancelledKeyException e) {
            // closed while selected
          }
        }
        Connection c;
        while ((c = answered.poll()) != null) {
          if (c.open) {
            c.deadlineNanos = System.nanoTime() + headerTimeoutNanos;
            write(c);
          }
        }
        expire(System.nanoTime());
        resumeAcceptingIfRoom();
      }
    } catch (IOException | RuntimeException e) {
      if (!closed.get()) {
        LOG.error("health endpoint stopped serving", e);
      }
    } finally {
      for (Connection c : new ArrayList<>(connections)) {
        close(c);
      }
      quietly(server);
      try {
        selector.close();
      } catch (IOException e) {
        LOG.debug("could not close selector", e);
      }
    }
  }

  private void accept() throws IOException {
    while (true) {
      if (connections.size() >= maxConnections && !evictOldestReader()) {
        // every slot has a request in progress: leave new connections in the backlog until one
        // finishes (checks end within their timeouts)
        acceptKey.interestOps(0);
        acceptPaused = true;
        return;
      }
      SocketChannel channel = server.accept();
      if (channel == null) {
        return;
      }
      try {
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        Connection c = new Connection(channel, maxHeadBytes);
        c.deadlineNanos = System.nanoTime() + headerTimeoutNanos;
        c.key = channel.register(selector, SelectionKey.OP_READ, c);
        connections.add(c);
      } catch (IOException e) {
        quietly(channel);
      }
    }
  }

  private void resumeAcceptingIfRoom() {
    if (!acceptPaused) {
      return;
    }
    boolean room = connections.size() < maxConnections;
    if (!room) {
      long now = System.nanoTime();
      for (Connection c : connections) {
        if (evictable(c, now)) {
          room = true;
          break;
        }
      }
    }
    if (room) {
      acceptPaused = false;
      acceptKey.interestOps(SelectionKey.OP_ACCEPT);
    }
  }

  private boolean evictOldestReader() {
    long now = System.nanoTime();
    for (Connection c : connections) {
      if (evictable(c, now)) {
        LOG.debug("closing the oldest unfinished health request to make room");
        close(c);
        return true;
      }
    }
    return false;
  }

  private static boolean evictable(Connection c, long now) {
    return c.reading && now - c.acceptedNanos >= EVICTION_GRACE_NANOS;
  }

  private void read(Connection c) {
    if (c.lingering) {
      discardUntilClosed(c);
      return;
    }
    int n;
    try {
      n = c.channel.read(ByteBuffer.wrap(c.in, c.length, c.in.length - c.length));
    } catch (IOException e) {
      close(c);
      return;
    }
    if (n < 0) {
      close(c);
      return;
    }
    c.length += n;
    int headLength = HttpRequestHead.headLength(c.in, c.length);
    if (headLength < 0) {
      if (c.length == c.in.length) {
        answerNow(c, HttpResponseBytes.error(431, "request head too large", null, false));
      }
      return;
    }
    HttpRequestHead head;
    try {
      head = HttpRequestHead.parse(c.in, headLength);
    } catch (HttpRequestHead.MalformedRequestException e) {
      answerNow(c, HttpResponseBytes.error(400, "malformed request", null, false));
      return;
    }
    c.reading = false;
    c.deadlineNanos = Long.MAX_VALUE; // checks end within their own timeouts
    SelectionKey key = c.key;
    if (key != null) {
      key.interestOps(0);
    }
    try {
      workers.execute(() -> handler.handle(head, bytes -> answered(c, bytes)));
    } catch (RejectedExecutionException e) {
      answerNow(c, HttpResponseBytes.error(503, "health endpoint busy", null, false));
    }
  }

  /**
   * After the response, reads and drops what the client still sends until it closes (or the
   * deadline passes): closing with unread input would reset the connection and could destroy the
   * response before the client read it.
   */
  private void discardUntilClosed(Connection c) {
    try {
      int n;
      while ((n = c.channel.read(ByteBuffer.wrap(c.in))) > 0) {
        // dropped
      }
      if (n < 0) {
        close(c);
      }
    } catch (IOException e) {
      close(c);
    }
  }

  private void answered(Connection c, byte[] bytes) {
    c.out = ByteBuffer.wrap(bytes);
    answered.add(c);
    selector.wakeup();
  }

  private void answerNow(Connection c, byte[] bytes) {
    c.reading = false;
    c.out = ByteBuffer.wrap(bytes);
    c.deadlineNanos = System.nanoTime() + headerTimeoutNanos;
    write(c);
  }

  private void write(Connection c) {
    ByteBuffer out = c.out;
    if (out == null) {
      close(c);
      return;
    }
    try {
      c.channel.write(out);
      SelectionKey key = c.key;
      if (out.hasRemaining() && key != null) {
        key.interestOps(SelectionKey.OP_WRITE);
        return;
      }
      c.channel.shutdownOutput();
      if (key != null) {
        c.lingering = true;
        c.reading = true; // may be closed to make room
        c.deadlineNanos = System.nanoTime() + headerTimeoutNanos;
        key.interestOps(SelectionKey.OP_READ);
        return;
      }
    } catch (IOException | CancelledKeyException e) {
      LOG.debug("could not write a health response", e);
    }
    close(c);
  }

  private void expire(long now) {
    if (connections.isEmpty()) {
      return;
    }
    List<Connection> late = null;
    for (Connection c : connections) {
      if (now - c.deadlineNanos >= 0 && c.deadlineNanos != Long.MAX_VALUE) {
        if (late == null) {
          late = new ArrayList<>();
        }
        late.add(c);
      }
    }
    if (late != null) {
      for (Connection c : late) {
        LOG.debug("closing a health connection that missed its deadline");
        close(c);
      }
    }
  }

  private void close(Connection c) {
    if (!c.open) {
      return;
    }
    c.open = false;
    connections.remove(c);
    SelectionKey key = c.key;
    if (key != null) {
      key.cancel();
    }
    quietly(c.channel);
  }

  private static void quietly(java.nio.channels.Channel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // nothing more to do with a broken channel
    }
  }

  /** One client connection; all fields are used by the selector thread only, but {@code out}. */
  private static final class Connection {
    final SocketChannel channel;
    final byte[] in;
    final long acceptedNanos = System.nanoTime();
    int length;
    boolean reading = true;
    boolean lingering;
    boolean open = true;
    long deadlineNanos;
    @Nullable SelectionKey key;
    volatile @Nullable ByteBuffer out;

    Connection(SocketChannel channel, int maxHeadBytes) {
      this.channel = channel;
      this.in = new byte[maxHeadBytes];
    }
  }
}
