package io.heartgate.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which address a request came from, as each kind of proxy chain tells it. */
class TrustedProxiesTest {
  private final TrustedProxies proxies = TrustedProxies.parse("127.0.0.1,10.0.0.0/8,2001:db8:ffff::/48");

  @Test
  void anUntrustedPeerIsTheClientWhateverItWrites() {
    assertEquals("192.0.2.7", proxies.clientAddress("192.0.2.7", List.of("198.51.100.1")));
    assertEquals("192.0.2.7", proxies.firstHop("192.0.2.7", "198.51.100.1"));
  }

  @Test
  void theClientIsTheNearestHopThatIsNoTrustedProxy() {
    // The client wrote the first two hops itself; the proxy appended the address it took the request from.
    assertEquals("203.0.113.5", proxies.clientAddress("127.0.0.1", List.of("10.9.9.9, 198.51.100.1, 203.0.113.5")));
    // Two proxies in a row: the outer one appended the client, the inner one the outer one.
    assertEquals("203.0.113.5", proxies.clientAddress("127.0.0.1", List.of("198.51.100.1, 203.0.113.5, 10.1.2.3")));
    // A proxy that adds a header line of its own rather than appending to the client's.
    assertEquals("203.0.113.5", proxies.clientAddress("127.0.0.1", List.of("198.51.100.1", "203.0.113.5")));
    assertEquals("2001:db8:1::5",
        proxies.clientAddress("127.0.0.1", List.of("2001:db8:1::5 , 2001:db8:ffff::1")));
  }

  @Test
  void withoutAnUntrustedHopTheFarthestKnownAddressIsTheClient() {
    assertEquals("10.1.2.3", proxies.clientAddress("127.0.0.1", List.of("10.1.2.3")));
    assertEquals("127.0.0.1", proxies.clientAddress("127.0.0.1", List.of()));
    // A hop that is no address ends the walk at the last address known.
    assertEquals("10.1.2.3", proxies.clientAddress("127.0.0.1", List.of("198.51.100.1, unknown, 10.1.2.3")));
    assertEquals("127.0.0.1", proxies.clientAddress("127.0.0.1", List.of("203.0.113.5:4711")));
    assertEquals("127.0.0.1", proxies.clientAddress("127.0.0.1", List.of("")));
  }

  @Test
  void theFirstHopIsWhatTheContractGivesAnAgent() {
    assertEquals("198.51.100.1", proxies.firstHop("127.0.0.1", "198.51.100.1, 203.0.113.5"));
    assertEquals("127.0.0.1", proxies.firstHop("127.0.0.1", "not-an-address, 203.0.113.5"));
    assertEquals("127.0.0.1", proxies.firstHop("127.0.0.1", null));
  }

  @Test
  void aClientIsCountedAsItsAddressOrItsIpv6Network() {
    assertEquals("203.0.113.5", TrustedProxies.clientNetwork("203.0.113.5"));
    assertEquals("2001:db8:7:8:0:0:0:0/64", TrustedProxies.clientNetwork("2001:db8:7:8::1"));
    assertEquals("2001:db8:7:8:0:0:0:0/64", TrustedProxies.clientNetwork("[2001:db8:7:8:ffff:1:2:3]"));
    assertEquals("203.0.113.5", TrustedProxies.clientNetwork("::ffff:203.0.113.5"), "an IPv4 address in IPv6 form");
    assertEquals("unknown", TrustedProxies.clientNetwork("unknown"));
    assertEquals("null", TrustedProxies.clientNetwork(null));
  }
}
