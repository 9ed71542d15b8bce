package dev.strata.demo.report;

/** HTML escaping, for the report and the service's status page. */
public final class Html {
  private Html() {}

  /**
   * Escapes the five characters that are special in HTML text and attribute values.
   *
   * @param text any text
   * @return the text, safe inside an element or a quoted attribute
   */
  public static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
