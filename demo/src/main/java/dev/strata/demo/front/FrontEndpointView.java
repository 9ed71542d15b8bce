package dev.strata.demo.front;

/**
 * One endpoint of a {@link FrontBalancer} at a moment, as {@link FrontBalancer#endpoints()} and
 * {@code GET /_front/status} show it.
 *
 * @param id the endpoint id, never null
 * @param host the host the front connects to, never null
 * @param port the port the front connects to
 * @param up whether the active health checker holds it up (false while drained out of the pool)
 * @param ejected whether outlier ejection currently keeps it out
 * @param draining whether it was {@linkplain FrontBalancer#drain drained} and not undrained since
 * @param inFlight requests currently forwarded to it
 * @param served responses received from it since the front was built
 */
public record FrontEndpointView(
    String id,
    String host,
    int port,
    boolean up,
    boolean ejected,
    boolean draining,
    int inFlight,
    long served) {}
