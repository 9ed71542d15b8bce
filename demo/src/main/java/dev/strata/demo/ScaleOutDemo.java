package dev.strata.demo;

/** Entry point of the scale-out demo (filled in by the orchestrator). */
public final class ScaleOutDemo {
  private ScaleOutDemo() {}

  /**
   * Runs the demo.
   *
   * @param args command-line options
   */
  public static void main(String[] args) {
    System.out.println("strata demo");
  }
}
