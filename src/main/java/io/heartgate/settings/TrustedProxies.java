package io.heartgate.settings;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The reverse proxies whose {@code X-Forwarded-For} the gateway believes: IP addresses and CIDR ranges, IPv4
 * or IPv6. Any other peer could write whatever it likes into that header.
 */
public final class TrustedProxies {
  public static final String FORM = "a comma list of IP addresses or CIDR ranges, e.g. 10.0.0.0/8,::1";
  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

  private final List<Range> ranges;
  private final String text;

  private record Range(byte[] network, int prefixBits) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int fullBytes = prefixBits / 8;
      for (int i = 0; i < fullBytes; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int remainder = prefixBits % 8;
      if (remainder == 0) {
        return true;
      }
      int mask = (0xff << (8 - remainder)) & 0xff;
      return (address[fullBytes] & mask) == (network[fullBytes] & mask);
    }
  }

  private TrustedProxies(List<Range> ranges, String text) {
    this.ranges = ranges;
    this.text = text;
  }

  /** Parses the setting's value; an empty value trusts no proxy. */
  public static TrustedProxies parse(String value) {
    List<Range> ranges = new ArrayList<>();
    List<String> shown = new ArrayList<>();
    for (String part : value.split(",")) {
      String entry = part.trim();
      if (entry.isEmpty()) {
        continue;
      }
      int slash = entry.indexOf('/');
      byte[] network = parseAddress(slash < 0 ? entry : entry.substring(0, slash));
      if (network == null) {
        throw new IllegalArgumentException("not an IP address: " + entry);
      }
      int prefix = network.length * 8;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(entry.substring(slash + 1));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("not a CIDR range: " + entry);
        }
        if (prefix < 0 || prefix > network.length * 8) {
          throw new IllegalArgumentException("not a CIDR range: " + entry);
        }
      }
      ranges.add(new Range(network, prefix));
      shown.add(entry);
    }
    return new TrustedProxies(List.copyOf(ranges), String.join(",", shown));
  }

  /** Whether the peer address (an IP literal) is one of the trusted proxies. */
  public boolean trusts(String peer) {
    if (ranges.isEmpty() || peer == null) {
      return false;
    }
    byte[] address = parseAddress(peer);
    return address != null && ranges.stream().anyMatch(range -> range.contains(address));
  }

  /**
   * The address of the client behind a request, for everything that counts or records clients (the login limits,
   * the audit log, the access log): when the peer is a trusted proxy, the nearest {@code X-Forwarded-For} hop that
   * is not one, read from the right (a proxy appends the address it took the request from, so whatever the client
   * wrote itself is further left), over every line of the header in order; else the peer (null when unknown). A hop
   * that is not an IP address ends the walk at the last address known.
   */
  public String clientAddress(String peer, List<String> forwardedFor) {
    if (forwardedFor.isEmpty() || !trusts(peer)) {
      return peer;
    }
    String known = peer;
    for (int line = forwardedFor.size() - 1; line >= 0; line--) {
      String[] hops = forwardedFor.get(line).split(",", -1);
      for (int i = hops.length - 1; i >= 0; i--) {
        String hop = hops[i].trim();
        if (parseAddress(hop) == null) {
          return known;
        }
        if (!trusts(hop)) {
          return hop;
        }
        known = hop;
      }
    }
    return known;
  }

  /**
   * The address the contract gives an agent: the first {@code X-Forwarded-For} hop when the peer is a trusted proxy
   * and that hop is an IP address, else the peer (null when unknown). The client may have written that hop itself:
   * it is what the agent says of itself, as its {@code Telegraf-Agent-IP} header is, and decides nothing.
   */
  public String firstHop(String peer, String forwardedFor) {
    if (forwardedFor != null && trusts(peer)) {
      int comma = forwardedFor.indexOf(',');
      String first = (comma < 0 ? forwardedFor : forwardedFor.substring(0, comma)).trim();
      if (parseAddress(first) != null) {
        return first;
      }
    }
    return peer;
  }

  /**
   * Who a client is wherever clients are counted (the login limits, a client's share of the body budget, its open
   * connections): its IPv4 address as written (by the socket, or by the nearest trusted proxy), or for IPv6 its /64
   * network, which one subscriber usually holds whole (counting each of its addresses apart would give one client
   * billions of them); the text as it is when it is no address. It has no space in it.
   */
  public static String clientNetwork(String address) {
    if (address == null || address.indexOf(':') < 0) {
      // IPv4 as the socket or the nearest proxy wrote it, on every request with a body: no parsing.
      return String.valueOf(address);
    }
    byte[] bytes = parseAddress(address);
    if (bytes == null) {
      return String.valueOf(address);
    }
    try {
      if (bytes.length == 16) {
        Arrays.fill(bytes, 8, 16, (byte) 0);
        return InetAddress.getByAddress(bytes).getHostAddress() + "/64";
      }
      return InetAddress.getByAddress(bytes).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException("an address of 4 or 16 bytes is always valid", e);
    }
  }

  /**
   * The bytes of an IPv4 or IPv6 literal, or null when the text is not one. Never resolves a host name: only
   * text shaped like an address reaches {@link InetAddress}, which then parses it without a lookup.
   */
  public static byte[] parseAddress(String text) {
    if (text == null || text.isEmpty() || text.length() > 45) {
      return null;
    }
    var ipv4 = IPV4.matcher(text);
    if (ipv4.matches()) {
      byte[] bytes = new byte[4];
      for (int i = 0; i < 4; i++) {
        int octet = Integer.parseInt(ipv4.group(i + 1));
        if (octet > 255) {
          return null;
        }
        bytes[i] = (byte) octet;
      }
      return bytes;
    }
    String bare = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    if (bare.indexOf(':') < 0 || !IPV6_CHARS.matcher(bare).matches()) {
      return null;
    }
    try {
      return InetAddress.getByName(bare).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return text;
  }
}
