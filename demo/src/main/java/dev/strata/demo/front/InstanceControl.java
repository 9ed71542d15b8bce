package dev.strata.demo.front;

/**
 * Stops, kills and starts the instance behind an endpoint, for the front's admin paths {@code POST
 * /_front/instances/{id}/stop}, {@code .../kill} and {@code .../start}. The front calls these on
 * one of its request threads and answers the admin request when the call returns.
 *
 * <p>Implementations must be thread-safe: two admin requests may arrive at once.
 */
public interface InstanceControl {

  /**
   * Stops an instance gracefully (it stops being ready, finishes its requests, exits).
   *
   * @param id the endpoint id, never null
   * @throws IllegalArgumentException if the id is unknown to the implementation
   */
  void stop(String id);

  /**
   * Kills an instance at once (SIGKILL): requests in flight to it fail.
   *
   * @param id the endpoint id, never null
   * @throws IllegalArgumentException if the id is unknown to the implementation
   */
  void kill(String id);

  /**
   * Starts an instance that is not running.
   *
   * @param id the endpoint id, never null
   * @throws IllegalArgumentException if the id is unknown to the implementation
   */
  void start(String id);
}
