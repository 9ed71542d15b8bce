package dev.strata.boot.session;

import dev.strata.session.servlet.SessionFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.springframework.context.ApplicationListener;
import org.springframework.security.authentication.event.InteractiveAuthenticationSuccessEvent;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * After an interactive login (form login, remember-me...), records the authenticated principal's
 * name in the current session as {@link SessionFilter#PRINCIPAL_ATTRIBUTE}, so the session store
 * indexes the session under that principal: finding and invalidating a user's sessions ("log out
 * everywhere") and per-user session caps then work. Does nothing outside a request or without a
 * session. Thread-safe.
 */
final class PrincipalIndexing
    implements ApplicationListener<InteractiveAuthenticationSuccessEvent> {

  @Override
  public void onApplicationEvent(InteractiveAuthenticationSuccessEvent event) {
    RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
    if (!(attributes instanceof ServletRequestAttributes servlet)) {
      return;
    }
    HttpServletRequest request = servlet.getRequest();
    HttpSession session = request.getSession(false);
    if (session != null) {
      session.setAttribute(SessionFilter.PRINCIPAL_ATTRIBUTE, event.getAuthentication().getName());
    }
  }
}
