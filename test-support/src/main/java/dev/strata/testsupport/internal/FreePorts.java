package dev.strata.testsupport.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks ports for local servers. Ports come from 15000-22767, below the kernel's ephemeral range
 * (so outgoing client connections do not take them between the check and the server's bind), and
 * such that {@code port + 10000} (the Redis Cluster bus port) is also below that range. A port is
 * offered only when it and, if asked, its bus port can be bound on 127.0.0.1 right now; callers
 * still retry when the server then fails to bind, since another process may win the race.
 */
public final class FreePorts {
  private static final int LOW = 15000;
  private static final int HIGH = 22767;

  private FreePorts() {}

  /**
   * Returns a port that is currently free on 127.0.0.1.
   *
   * @param withClusterBus also require {@code port + 10000} to be free
   * @throws IllegalStateException when no free port was found after many attempts
   */
  public static int pick(boolean withClusterBus) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 500; attempt++) {
      int port = random.nextInt(LOW, HIGH + 1);
      if (isFree(port) && (!withClusterBus || isFree(port + 10000))) {
        return port;
      }
    }
    throw new IllegalStateException("no free port found in " + LOW + "-" + HIGH);
  }

  /** Returns whether {@code port} can be bound on 127.0.0.1 at this moment. */
  public static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
