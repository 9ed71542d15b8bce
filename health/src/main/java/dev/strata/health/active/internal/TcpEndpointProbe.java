package dev.strata.health.active.internal;

import dev.strata.health.CheckResult;
import dev.strata.health.active.EndpointProbe;
import dev.strata.lb.Endpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Probes by opening a TCP connection without blocking; closes it at once. Stateless. */
public final class TcpEndpointProbe implements EndpointProbe {

  /** The one instance. */
  public static final TcpEndpointProbe INSTANCE = new TcpEndpointProbe();

  private TcpEndpointProbe() {}

  @Override
  public CompletionStage<CheckResult> probe(Endpoint endpoint, Duration timeout) {
    CompletableFuture<CheckResult> result = new CompletableFuture<>();
    String host = endpoint.address().getHostString();
    int port = endpoint.address().getPort();
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      result.complete(CheckResult.down("cannot resolve host " + host));
      return result;
    }
    AsynchronousSocketChannel channel;
    try {
      channel = AsynchronousSocketChannel.open();
    } catch (IOException e) {
      result.complete(CheckResult.down("cannot open a socket: " + CheckResult.describe(e)));
      return result;
    }
    ScheduledFuture<?> timer =
        SharedProbeScheduler.get()
            .schedule(
                () -> {
                  if (result.complete(
                      CheckResult.down(
                          "connect to "
                              + host
                              + ":"
                              + port
                              + " timed out after "
                              + timeout.toMillis()
                              + "ms"))) {
                    closeQuietly(channel);
                  }
                },
                timeout.toNanos(),
                TimeUnit.NANOSECONDS);
    channel.connect(
        address,
        null,
        new CompletionHandler<Void, Void>() {
          @Override
          public void completed(Void ignored, Void attachment) {
            timer.cancel(false);
            closeQuietly(channel);
            result.complete(CheckResult.up());
          }

          @Override
          public void failed(Throwable failure, Void attachment) {
            timer.cancel(false);
            closeQuietly(channel);
            result.complete(
                CheckResult.down(
                    "cannot connect to "
                        + host
                        + ":"
                        + port
                        + ": "
                        + CheckResult.describe(failure)));
          }
        });
    return result;
  }

  private static void closeQuietly(AsynchronousSocketChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing a probe socket that failed: nothing left to do
    }
  }

  @Override
  public String toString() {
    return "tcp";
  }
}
