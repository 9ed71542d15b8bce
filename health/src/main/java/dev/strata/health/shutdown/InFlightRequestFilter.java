package dev.strata.health.shutdown;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.util.Objects;

/**
 * A servlet filter that counts every request in an {@link InFlightRequests} from when it enters the
 * filter until it is done: when the chain returns, or, for a request that went asynchronous, when
 * its async context completes, fails or times out. Map it first, on all paths and on the {@code
 * REQUEST} dispatcher only (async and error dispatches belong to a request already counted).
 *
 * <p>Needs {@code jakarta.servlet-api} (6.x) on the class path; the health module declares it
 * optional. Thread-safe.
 */
public final class InFlightRequestFilter implements Filter {

  private final InFlightRequests inFlight;

  /**
   * Creates a filter counting into the given counter.
   *
   * @param inFlight the counter, not null
   */
  public InFlightRequestFilter(InFlightRequests inFlight) {
    this.inFlight = Objects.requireNonNull(inFlight, "inFlight must not be null");
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    inFlight.begin();
    boolean async = false;
    try {
      chain.doFilter(request, response);
      if (request.isAsyncStarted()) {
        request.getAsyncContext().addListener(new EndOnAsyncCompletion(inFlight));
        async = true;
      }
    } finally {
      if (!async) {
        inFlight.end();
      }
    }
  }

  /** Ends the count once for an asynchronous request. */
  private static final class EndOnAsyncCompletion implements AsyncListener {
    private final InFlightRequests inFlight;
    private boolean ended;

    EndOnAsyncCompletion(InFlightRequests inFlight) {
      this.inFlight = inFlight;
    }

    private synchronized void endOnce() {
      if (!ended) {
        ended = true;
        inFlight.end();
      }
    }

    @Override
    public void onComplete(AsyncEvent event) {
      endOnce();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
      // the request is still being handled; the container calls onComplete when it is done
    }

    @Override
    public void onError(AsyncEvent event) {
      endOnce();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
      // the same request is restarted asynchronously: keep listening to the new context
      event.getAsyncContext().addListener(this);
    }
  }
}
