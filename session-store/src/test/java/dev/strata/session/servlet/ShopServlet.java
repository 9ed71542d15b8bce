package dev.strata.session.servlet;

import dev.strata.session.SessionLimitExceededException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A small shop used by the filter tests: login, cart, logout, and a few edge-case endpoints. */
class ShopServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  /** When set, /set requests wait here until this many of them have loaded the session. */
  transient volatile CountDownLatch rendezvous;

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    resp.setContentType("text/plain;charset=UTF-8");
    String path = req.getPathInfo() == null ? req.getServletPath() : req.getPathInfo();
    switch (path) {
      case "/visit" -> {
        HttpSession session = req.getSession();
        session.setAttribute("visits", 1 + (Integer) orDefault(session.getAttribute("visits"), 0));
        resp.getWriter().print(session.isNew() ? "new" : "old");
      }
      case "/login" -> {
        HttpSession session = req.getSession();
        String before = session.getId();
        String after = req.changeSessionId();
        session.setAttribute(SessionFilter.PRINCIPAL_ATTRIBUTE, req.getParameter("user"));
        resp.getWriter().print(before.equals(after) ? "unchanged" : "changed");
      }
      case "/whoami" -> {
        HttpSession session = req.getSession(false);
        if (session == null) {
          resp.sendError(401);
          return;
        }
        resp.getWriter().print(session.getAttribute(SessionFilter.PRINCIPAL_ATTRIBUTE));
      }
      case "/cart/add" -> {
        HttpSession session = req.getSession(false);
        if (session == null) {
          resp.sendError(401);
          return;
        }
        @SuppressWarnings("unchecked")
        List<String> cart =
            new ArrayList<>((List<String>) orDefault(session.getAttribute("cart"), List.of()));
        cart.add(req.getParameter("item"));
        session.setAttribute("cart", cart);
        resp.getWriter().print(cart.size());
      }
      case "/cart" -> {
        HttpSession session = req.getSession(false);
        if (session == null) {
          resp.sendError(401);
          return;
        }
        @SuppressWarnings("unchecked")
        List<String> cart = (List<String>) orDefault(session.getAttribute("cart"), List.of());
        resp.getWriter().print(String.join(",", cart));
      }
      case "/set" -> {
        HttpSession session = req.getSession();
        CountDownLatch latch = rendezvous;
        if (latch != null) {
          latch.countDown();
          try {
            latch.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        for (String name : req.getParameterValues("name")) {
          session.setAttribute(name, req.getParameter("value"));
        }
        resp.getWriter().print("ok");
      }
      case "/get" -> {
        HttpSession session = req.getSession(false);
        resp.getWriter()
            .print(session == null ? "none" : session.getAttribute(req.getParameter("name")));
      }
      case "/big" -> {
        HttpSession session = req.getSession();
        try {
          session.setAttribute("blob", "x".repeat(Integer.parseInt(req.getParameter("bytes"))));
          resp.getWriter().print("stored");
        } catch (SessionLimitExceededException e) {
          resp.sendError(413, e.getMessage());
        }
      }
      case "/stream" -> {
        // Writes more than the response buffer after touching the session: the container commits
        // the response during the writes, so the cookie must already be set by then.
        req.getSession().setAttribute("streamed", "yes");
        for (int i = 0; i < 2000; i++) {
          resp.getWriter().print("0123456789");
        }
      }
      case "/redirect" -> {
        req.getSession().setAttribute("redirected", "yes");
        resp.sendRedirect("/cart");
      }
      case "/flush" -> {
        req.getSession().setAttribute("flushed", "yes");
        resp.flushBuffer();
        req.getSession().setAttribute("afterFlush", "yes");
      }
      case "/logout" -> {
        HttpSession session = req.getSession(false);
        if (session != null) {
          session.invalidate();
        }
        resp.getWriter().print("bye");
      }
      case "/requested" -> {
        req.getSession(false);
        resp.getWriter().print(req.getRequestedSessionId() + "|" + req.isRequestedSessionIdValid());
      }
      default -> resp.sendError(404);
    }
  }

  private static Object orDefault(Object value, Object fallback) {
    return value == null ? fallback : value;
  }
}
