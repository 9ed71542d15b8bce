package dev.strata.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpHashTest {

  private static LoadBalancer balancer() {
    EndpointPool pool = EndpointPool.create();
    for (int i = 0; i < 8; i++) {
      pool.add(Endpoint.of("e" + i, "10.0.0." + i, 80));
    }
    return LoadBalancer.builder(pool).selector(Selectors.ipHash()).seed(3).build();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "192.0.2.7",
        "2001:db8::7",
        "[2001:db8:0:0:0:0:0:8]",
        "fe80::1%eth0",
        "::ffff:192.0.2.9",
        "::1",
        "::"
      })
  void aClientStaysOnOneEndpointWhileThePoolIsUnchanged(String address) {
    LoadBalancer lb = balancer();
    RequestContext client = RequestContext.ofClientAddress(address);
    String first = lb.select(client).id();
    for (int i = 0; i < 100; i++) {
      assertThat(lb.select(RequestContext.ofClientAddress(address)).id()).isEqualTo(first);
    }
  }

  @Test
  void equivalentSpellingsOfAnAddressHashAlike() throws Exception {
    assertThat(RequestContext.ofClientAddress("::ffff:192.0.2.9").hash())
        .isEqualTo(RequestContext.ofClientAddress("192.0.2.9").hash());
    assertThat(RequestContext.ofClientAddress("2001:db8::1").hash())
        .isEqualTo(RequestContext.ofClientAddress("2001:0db8:0:0:0:0:0:1").hash());
    assertThat(RequestContext.ofClientAddress(InetAddress.getByName("10.1.2.3")).hash())
        .isEqualTo(RequestContext.ofClientAddress("10.1.2.3").hash());
  }

  @Test
  void spreadsClientsOverAllEndpoints() {
    LoadBalancer lb = balancer();
    Set<String> used = new HashSet<>();
    for (int i = 0; i < 256; i++) {
      used.add(lb.select(RequestContext.ofClientAddress("198.51.100." + i)).id());
      used.add(
          lb.select(RequestContext.ofClientAddress("2001:db8::" + Integer.toHexString(i))).id());
    }
    assertThat(used).hasSize(8);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "example.com",
        "256.1.1.1",
        "1.2.3",
        "1.2.3.4.5",
        "01.2.3.4",
        "1..2.3",
        "2001:db8:::1",
        "1::2::3",
        "12345::1",
        "1:2:3:4:5:6:7:8:9",
        "1:2:3",
        "g::1"
      })
  void rejectsMalformedAddressesClearly(String address) {
    assertThatThrownBy(() -> RequestContext.ofClientAddress(address))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("client address must be an IPv4 or IPv6 literal but was '" + address + "'");
  }

  @Test
  void requiresAClientAddress() {
    assertThatThrownBy(() -> balancer().select(RequestContext.ofHashKey("session-1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ip-hash needs a client address");
  }
}
