package dev.strata.cache.local.internal;

import java.util.concurrent.CancellationException;

/**
 * Completes the future of a load whose loader failed; the loader's exception is the cause. Being a
 * {@link CancellationException} makes Caffeine drop the entry without logging the failure (the
 * caller receives it, unwrapped, and logging it as well would report it twice). Carries no stack
 * trace of its own.
 */
final class FailedLoad extends CancellationException {

  private static final long serialVersionUID = 1L;

  FailedLoad(Throwable cause) {
    super("load failed: " + cause);
    initCause(cause);
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
