package dev.strata.boot.session;

import dev.strata.session.AttributeCodec;
import dev.strata.session.AttributeDecodingException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.DefaultCsrfToken;
import org.springframework.util.ClassUtils;
import tools.jackson.databind.json.JsonMapper;

/**
 * An {@link AttributeCodec} that stores Spring Security's {@link SecurityContext} (the session
 * attribute {@code SPRING_SECURITY_CONTEXT}) as JSON of the authenticated principal's name and
 * authorities, a session-held CSRF token as JSON of its three strings, and everything else with the
 * delegate codec. Read back, the context holds an authenticated {@link
 * UsernamePasswordAuthenticationToken} whose principal is the name (no credentials are ever
 * stored). Only these two fields are trusted from the stored bytes; no class named by them is
 * instantiated. Applications that need more of their principal in the session provide their own
 * {@code AttributeCodec} bean. Thread-safe.
 */
public final class SecurityContextAttributeCodec implements AttributeCodec {

  /** Spring Security's session attribute of the security context. */
  public static final String ATTRIBUTE = "SPRING_SECURITY_CONTEXT";

  private static final byte FORMAT = 'S';
  private static final byte CSRF_FORMAT = 'C';
  private static final boolean CSRF_PRESENT =
      ClassUtils.isPresent(
          "org.springframework.security.web.csrf.CsrfToken",
          SecurityContextAttributeCodec.class.getClassLoader());

  private final AttributeCodec delegate;
  private final JsonMapper mapper = JsonMapper.builder().build();

  /**
   * Creates the codec.
   *
   * @param delegate the codec of every other attribute
   */
  public SecurityContextAttributeCodec(AttributeCodec delegate) {
    this.delegate = delegate;
  }

  @Override
  public byte[] encode(String attributeName, Object value) {
    if (CSRF_PRESENT && value instanceof CsrfToken token) {
      Map<String, String> json = new LinkedHashMap<>();
      json.put("headerName", token.getHeaderName());
      json.put("parameterName", token.getParameterName());
      json.put("token", token.getToken());
      return frame(CSRF_FORMAT, mapper.writeValueAsBytes(json));
    }
    if (!(value instanceof SecurityContext context)) {
      return delegate.encode(attributeName, value);
    }
    Authentication authentication = context.getAuthentication();
    Map<String, Object> json = new LinkedHashMap<>();
    if (authentication != null && authentication.isAuthenticated()) {
      json.put("name", authentication.getName());
      List<String> authorities = new ArrayList<>();
      for (GrantedAuthority authority : authentication.getAuthorities()) {
        if (authority.getAuthority() != null) {
          authorities.add(authority.getAuthority());
        }
      }
      json.put("authorities", authorities);
    }
    return frame(FORMAT, mapper.writeValueAsBytes(json));
  }

  private static byte[] frame(byte format, byte[] body) {
    byte[] out = new byte[body.length + 1];
    out[0] = format;
    System.arraycopy(body, 0, out, 1, body.length);
    return out;
  }

  @Override
  public Object decode(String attributeName, byte[] bytes) {
    if (bytes.length > 0 && bytes[0] == CSRF_FORMAT && CSRF_PRESENT) {
      Map<?, ?> json = json(attributeName, bytes);
      if (json.get("headerName") instanceof String header
          && json.get("parameterName") instanceof String parameter
          && json.get("token") instanceof String token) {
        return new DefaultCsrfToken(header, parameter, token);
      }
      throw new AttributeDecodingException(
          "attribute " + attributeName + " is not a CSRF token", null);
    }
    if (bytes.length == 0 || bytes[0] != FORMAT) {
      return delegate.decode(attributeName, bytes);
    }
    Map<?, ?> json = json(attributeName, bytes);
    SecurityContextImpl context = new SecurityContextImpl();
    if (json.get("name") instanceof String name) {
      List<GrantedAuthority> authorities = new ArrayList<>();
      if (json.get("authorities") instanceof List<?> list) {
        for (Object authority : list) {
          if (authority instanceof String a) {
            authorities.add(new SimpleGrantedAuthority(a));
          }
        }
      }
      context.setAuthentication(
          UsernamePasswordAuthenticationToken.authenticated(name, null, authorities));
    }
    return context;
  }

  private Map<?, ?> json(String attributeName, byte[] bytes) {
    try {
      return mapper.readValue(bytes, 1, bytes.length - 1, Map.class);
    } catch (RuntimeException e) {
      throw new AttributeDecodingException(
          "attribute " + attributeName + " is not a stored security value", e);
    }
  }
}
