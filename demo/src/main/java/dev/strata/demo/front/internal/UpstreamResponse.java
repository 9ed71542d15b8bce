package dev.strata.demo.front.internal;

import java.util.List;
import java.util.Map;

/**
 * A complete response read from an endpoint.
 *
 * @param status the status code
 * @param headers the header fields as received, in order (repeated names kept, e.g. Set-Cookie)
 * @param body the decoded body (chunked transfer coding removed), empty for none
 * @param keepAlive whether the connection may carry another request
 */
public record UpstreamResponse(
    int status, List<Map.Entry<String, String>> headers, byte[] body, boolean keepAlive) {}
