package dev.strata.session.servlet;

import dev.strata.session.Session;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import org.jspecify.annotations.Nullable;

/**
 * The {@link HttpSession} an application sees: a view of a store {@link Session} for one request.
 * Invalidation deletes the session from the store at once; everything else is saved when the filter
 * commits. Like container sessions, it is not meant for concurrent use by several threads of one
 * request.
 */
final class StoreBackedHttpSession implements HttpSession {

  /** Servlet "never expires" is bounded by the store's absolute lifetime. */
  private static final Duration NO_IDLE_TIMEOUT = Duration.ofDays(36500);

  private final StoreBackedRequest request;
  private final Session session;
  private final boolean createdInThisRequest;
  private boolean invalidated;

  StoreBackedHttpSession(
      StoreBackedRequest request, Session session, boolean createdInThisRequest) {
    this.request = request;
    this.session = session;
    this.createdInThisRequest = createdInThisRequest;
  }

  Session session() {
    return session;
  }

  boolean isInvalidated() {
    return invalidated;
  }

  @Override
  public long getCreationTime() {
    checkValid("getCreationTime");
    return session.getCreationTime().toEpochMilli();
  }

  @Override
  public String getId() {
    return session.getId();
  }

  @Override
  public long getLastAccessedTime() {
    checkValid("getLastAccessedTime");
    return session.getLastAccessedTime().toEpochMilli();
  }

  @Override
  public ServletContext getServletContext() {
    return request.getServletContext();
  }

  @Override
  public void setMaxInactiveInterval(int interval) {
    checkValid("setMaxInactiveInterval");
    session.setMaxInactiveInterval(interval <= 0 ? NO_IDLE_TIMEOUT : Duration.ofSeconds(interval));
  }

  @Override
  public int getMaxInactiveInterval() {
    Duration idle = session.getMaxInactiveInterval();
    return idle.compareTo(NO_IDLE_TIMEOUT) >= 0
        ? -1
        : (int) Math.min(Integer.MAX_VALUE, idle.toSeconds());
  }

  @Override
  public @Nullable Object getAttribute(String name) {
    checkValid("getAttribute");
    return session.getAttribute(name);
  }

  @Override
  public Enumeration<String> getAttributeNames() {
    checkValid("getAttributeNames");
    return Collections.enumeration(session.getAttributeNames());
  }

  @Override
  public void setAttribute(String name, @Nullable Object value) {
    checkValid("setAttribute");
    if (value == null) {
      removeAttribute(name);
      return;
    }
    Object previous = session.getAttribute(name);
    session.setAttribute(name, value);
    if (SessionFilter.PRINCIPAL_ATTRIBUTE.equals(name)) {
      session.setPrincipal(value.toString());
    }
    if (value != previous && value instanceof HttpSessionBindingListener listener) {
      listener.valueBound(new HttpSessionBindingEvent(this, name, value));
    }
    if (previous != null
        && value != previous
        && previous instanceof HttpSessionBindingListener old) {
      old.valueUnbound(new HttpSessionBindingEvent(this, name, previous));
    }
  }

  @Override
  public void removeAttribute(String name) {
    checkValid("removeAttribute");
    Object previous = session.getAttribute(name);
    session.removeAttribute(name);
    if (SessionFilter.PRINCIPAL_ATTRIBUTE.equals(name)) {
      session.setPrincipal(null);
    }
    if (previous instanceof HttpSessionBindingListener listener) {
      listener.valueUnbound(new HttpSessionBindingEvent(this, name, previous));
    }
  }

  @Override
  public void invalidate() {
    checkValid("invalidate");
    if (!session.isNew()) {
      request.store().invalidate(session.getId());
    }
    invalidated = true;
    for (String name : session.getAttributeNames()) {
      if (session.getAttribute(name) instanceof HttpSessionBindingListener listener) {
        listener.valueUnbound(new HttpSessionBindingEvent(this, name, listener));
      }
    }
  }

  @Override
  public boolean isNew() {
    checkValid("isNew");
    return createdInThisRequest;
  }

  private void checkValid(String method) {
    if (invalidated) {
      throw new IllegalStateException(method + ": the session has been invalidated");
    }
  }
}
