package dev.strata.redis.internal;

import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;

/**
 * The one set of Lettuce resources (event loops, timers) that every client Strata creates shares,
 * unless the application passes its own. Made on first use and kept for the life of the process:
 * its threads are daemon threads, so they never keep the JVM alive.
 */
public final class SharedClientResources {

  private SharedClientResources() {}

  /**
   * Returns the shared resources, creating them on first call. Thread-safe.
   *
   * @return the resources; never shut down
   */
  public static ClientResources get() {
    return Holder.RESOURCES;
  }

  private static final class Holder {
    static final ClientResources RESOURCES = DefaultClientResources.create();
  }
}
