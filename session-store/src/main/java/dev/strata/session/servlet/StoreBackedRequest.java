package dev.strata.session.servlet;

import dev.strata.session.Session;
import dev.strata.session.SessionStore;
import dev.strata.session.internal.SessionIdGenerator;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request whose sessions live in a {@link SessionStore}. The session is looked up only when the
 * application asks for it, and committed (saved, id sent to the client) once the response is about
 * to be committed or the filter chain returns.
 */
final class StoreBackedRequest extends HttpServletRequestWrapper {

  private static final Logger LOG = LoggerFactory.getLogger(StoreBackedRequest.class);
  private static final int MAX_COOKIE_CANDIDATES = 3;

  private final SessionStore store;
  private final SessionCookieSettings settings;
  private final HttpServletResponse response;
  private @Nullable StoreBackedHttpSession current;
  private boolean lookedUp;
  private @Nullable String requestedId;
  private boolean requestedIdValid;
  private @Nullable String idSentToClient;
  private boolean clientToldToForget;

  StoreBackedRequest(
      HttpServletRequest request,
      HttpServletResponse response,
      SessionStore store,
      SessionCookieSettings settings) {
    super(request);
    this.response = response;
    this.store = store;
    this.settings = settings;
  }

  SessionStore store() {
    return store;
  }

  @Override
  public @Nullable HttpSession getSession(boolean create) {
    if (current != null && !current.isInvalidated()) {
      return current;
    }
    if (!lookedUp) {
      lookedUp = true;
      Optional<Session> found = lookUp();
      if (found.isPresent()) {
        current = new StoreBackedHttpSession(this, found.get(), false);
        idSentToClient = found.get().getId();
        return current;
      }
    }
    if (!create) {
      return null;
    }
    if (response.isCommitted()) {
      throw new IllegalStateException(
          "cannot create a session after the response has been committed");
    }
    current = new StoreBackedHttpSession(this, store.create(), true);
    return current;
  }

  @Override
  public HttpSession getSession() {
    HttpSession session = getSession(true);
    if (session == null) {
      throw new IllegalStateException("getSession(true) returned no session");
    }
    return session;
  }

  @Override
  public String changeSessionId() {
    HttpSession session = getSession(false);
    if (session == null) {
      throw new IllegalStateException("changeSessionId: the request has no session");
    }
    return store.changeSessionId(current.session());
  }

  @Override
  public @Nullable String getRequestedSessionId() {
    resolveRequestedId();
    return requestedId;
  }

  @Override
  public boolean isRequestedSessionIdValid() {
    if (!lookedUp) {
      getSession(false);
    }
    return requestedIdValid
        && current != null
        && !current.isInvalidated()
        && current.getId().equals(requestedId);
  }

  @Override
  public boolean isRequestedSessionIdFromCookie() {
    return settings.headerName() == null && getRequestedSessionId() != null;
  }

  @Override
  public boolean isRequestedSessionIdFromURL() {
    return false;
  }

  /**
   * Saves the session if it changed and tells the client its id if that is new to it; called before
   * the response is committed and again when the chain returns (then only if something changed in
   * between).
   */
  void commitSession() {
    StoreBackedHttpSession s = current;
    if (s == null) {
      if (lookedUp && requestedId != null && !requestedIdValid) {
        forgetOnClient();
      }
      return;
    }
    if (s.isInvalidated()) {
      forgetOnClient();
      return;
    }
    Session session = s.session();
    if (session.isDirty() && !store.save(session)) {
      LOG.debug("session disappeared during the request (invalidated or expired elsewhere)");
      forgetOnClient();
      return;
    }
    String id = session.getId();
    if (!id.equals(idSentToClient)) {
      if (response.isCommitted()) {
        LOG.warn("session id could not be sent: the response was already committed");
        return;
      }
      if (settings.headerName() != null) {
        response.setHeader(settings.headerName(), id);
      } else {
        response.addHeader("Set-Cookie", settings.cookie(id, getContextPath()));
      }
      idSentToClient = id;
      clientToldToForget = false;
    }
  }

  private void forgetOnClient() {
    if (clientToldToForget || response.isCommitted() || requestedId == null) {
      return;
    }
    if (settings.headerName() != null) {
      response.setHeader(settings.headerName(), "");
    } else {
      response.addHeader("Set-Cookie", settings.expiredCookie(getContextPath()));
    }
    clientToldToForget = true;
    idSentToClient = null;
  }

  private Optional<Session> lookUp() {
    if (settings.headerName() != null) {
      String id = resolveRequestedId();
      return id == null ? Optional.empty() : remember(store.find(id));
    }
    List<String> candidates = cookieCandidates();
    if (candidates.isEmpty()) {
      return Optional.empty();
    }
    if (candidates.size() == 1) {
      requestedId = candidates.get(0);
      return remember(store.find(requestedId));
    }
    // Several cookies: none is trusted over another (a planted one may come first). Use the one
    // that is live in the store; if several are, use none.
    Optional<Session> chosen = Optional.empty();
    for (String id : candidates) {
      Optional<Session> found = store.find(id);
      if (found.isPresent()) {
        if (chosen.isPresent()) {
          LOG.warn("a request carried several live session cookies; none of them is used");
          requestedId = null;
          requestedIdValid = false;
          return Optional.empty();
        }
        chosen = found;
        requestedId = id;
      }
    }
    if (chosen.isEmpty()) {
      requestedId = candidates.get(0);
    }
    return remember(chosen);
  }

  /** Returns the distinct well-formed values of the session cookie, at most a few. */
  private List<String> cookieCandidates() {
    Cookie[] cookies = getCookies();
    if (cookies == null) {
      return List.of();
    }
    String name = settings.effectiveName(getContextPath());
    List<String> candidates = new ArrayList<>(2);
    for (Cookie cookie : cookies) {
      if (name.equals(cookie.getName())
          && SessionIdGenerator.isWellFormed(cookie.getValue())
          && !candidates.contains(cookie.getValue())) {
        if (candidates.size() == MAX_COOKIE_CANDIDATES) {
          LOG.debug("a request carried more than {} session cookies", MAX_COOKIE_CANDIDATES);
          return List.of();
        }
        candidates.add(cookie.getValue());
      }
    }
    return candidates;
  }

  private Optional<Session> remember(Optional<Session> found) {
    requestedIdValid = found.isPresent();
    return found;
  }

  private @Nullable String resolveRequestedId() {
    if (requestedId != null) {
      return requestedId;
    }
    if (settings.headerName() != null) {
      String header = getHeader(settings.headerName());
      requestedId = SessionIdGenerator.isWellFormed(header) ? header : null;
      return requestedId;
    }
    if (!lookedUp) {
      List<String> candidates = cookieCandidates();
      // With several cookies the requested one is known only after the lookup.
      requestedId = candidates.size() == 1 ? candidates.get(0) : null;
    }
    return requestedId;
  }
}
