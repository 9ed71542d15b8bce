package dev.strata.testsupport;

/** Starts a server and dies without running shutdown hooks, as a JVM killed by a timeout would. */
public final class OrphanedServerMain {
  private OrphanedServerMain() {}

  /** Entry point of the child JVM. */
  public static void main(String[] args) {
    RedisServer redis = RedisServer.start();
    System.out.println("PORT " + redis.port());
    System.out.flush();
    Runtime.getRuntime().halt(0);
  }
}
