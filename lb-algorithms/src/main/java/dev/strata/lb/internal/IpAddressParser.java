package dev.strata.lb.internal;

/**
 * Parses textual IPv4 and IPv6 addresses without name resolution (a malformed address never
 * triggers a DNS lookup). IPv4-mapped IPv6 addresses ({@code ::ffff:10.0.0.1}) parse to the same
 * four bytes as the IPv4 address.
 */
public final class IpAddressParser {

  private IpAddressParser() {}

  /**
   * Parses an address literal.
   *
   * @param text "10.0.0.1", "2001:db8::1", "[2001:db8::1]" or "fe80::1%eth0"
   * @return 4 bytes for IPv4 (and IPv4-mapped IPv6), 16 bytes for IPv6
   * @throws IllegalArgumentException naming the text if it is not an IP address literal
   */
  public static byte[] parse(String text) {
    String s = text.strip();
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    int zone = s.indexOf('%');
    if (zone >= 0 && s.indexOf(':') >= 0) {
      s = s.substring(0, zone);
    }
    byte[] bytes = s.indexOf(':') >= 0 ? parseIpv6(s) : parseIpv4(s, 0, s.length());
    if (bytes == null) {
      throw new IllegalArgumentException(
          "client address must be an IPv4 or IPv6 literal but was '" + text + "'");
    }
    return bytes;
  }

  private static byte[] parseIpv4(String s, int from, int to) {
    byte[] out = new byte[4];
    int part = 0;
    int i = from;
    while (part < 4) {
      int start = i;
      int value = 0;
      while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        value = value * 10 + (s.charAt(i) - '0');
        i++;
        if (i - start > 3) {
          return null;
        }
      }
      if (i == start || value > 255 || (i - start > 1 && s.charAt(start) == '0')) {
        return null;
      }
      out[part++] = (byte) value;
      if (part < 4) {
        if (i >= to || s.charAt(i) != '.') {
          return null;
        }
        i++;
      }
    }
    return i == to ? out : null;
  }

  private static byte[] parseIpv6(String s) {
    int doubleColon = s.indexOf("::");
    if (doubleColon >= 0 && s.indexOf("::", doubleColon + 1) >= 0) {
      return null;
    }
    int[] groups = new int[8];
    int count = 0;
    int gapAt = -1;
    int i = 0;
    int n = s.length();
    if (doubleColon == 0) {
      gapAt = 0;
      i = 2;
    }
    while (i < n) {
      int start = i;
      int value = 0;
      while (i < n && Character.digit(s.charAt(i), 16) >= 0 && i - start < 4) {
        value = (value << 4) | Character.digit(s.charAt(i), 16);
        i++;
      }
      if (i < n && s.charAt(i) == '.') {
        // embedded IPv4 tail
        byte[] v4 = parseIpv4(s, start, n);
        if (v4 == null || count > 6) {
          return null;
        }
        groups[count++] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
        groups[count++] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
        i = n;
        break;
      }
      if (i == start || count == 8) {
        return null;
      }
      groups[count++] = value;
      if (i == n) {
        break;
      }
      if (s.charAt(i) != ':') {
        return null;
      }
      i++;
      if (i < n && s.charAt(i) == ':') {
        if (gapAt >= 0) {
          return null;
        }
        gapAt = count;
        i++;
      } else if (i == n) {
        return null;
      }
    }
    if (gapAt < 0 ? count != 8 : count > 7) {
      return null;
    }
    int[] full = new int[8];
    if (gapAt < 0) {
      System.arraycopy(groups, 0, full, 0, 8);
    } else {
      System.arraycopy(groups, 0, full, 0, gapAt);
      int tail = count - gapAt;
      System.arraycopy(groups, gapAt, full, 8 - tail, tail);
    }
    boolean mapped = full[5] == 0xffff;
    for (int g = 0; g < 5 && mapped; g++) {
      mapped = full[g] == 0;
    }
    if (mapped) {
      return new byte[] {
        (byte) (full[6] >>> 8), (byte) full[6], (byte) (full[7] >>> 8), (byte) full[7]
      };
    }
    byte[] out = new byte[16];
    for (int g = 0; g < 8; g++) {
      out[2 * g] = (byte) (full[g] >>> 8);
      out[2 * g + 1] = (byte) full[g];
    }
    return out;
  }
}
