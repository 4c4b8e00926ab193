package io.vigil.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vigil.config.Credentials;
import io.vigil.config.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessControlTest {
  static byte[] ip(String s) {
    return IpNetwork.literal(s);
  }

  static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void networksContainTheirAddresses() {
    assertEquals(true, IpNetwork.parse("10.1.0.0/16").contains(ip("10.1.200.3")));
    assertEquals(false, IpNetwork.parse("10.1.0.0/16").contains(ip("10.2.0.1")));
    assertEquals(true, IpNetwork.parse("10.1.2.3/8").contains(ip("10.9.9.9")), "host bits are ignored");
    assertEquals(true, IpNetwork.parse("127.0.0.1").contains(ip("::ffff:127.0.0.1")));
    assertEquals(true, IpNetwork.parse("fd00::/8").contains(ip("fd12::1")));
    assertEquals(false, IpNetwork.parse("fd00::/8").contains(ip("10.0.0.1")));
    assertEquals(null, IpNetwork.literal("db.example.com"));
  }

  @Test
  void checksInPatronisOrder() {
    Credentials auth = new Credentials("admin", Secret.of("s3cret"));
    AccessControl ac = new AccessControl(List.of(IpNetwork.parse("10.0.0.0/8")), true, true, auth);
    List<IpNetwork> members = List.of(IpNetwork.parse("192.168.1.5"));
    assertEquals(new AccessControl.Denied(403, "Access is denied", false),
        ac.check(ip("172.16.0.1"), members, true, false, null));
    assertEquals(new AccessControl.Denied(403, "client certificate required", false),
        ac.check(ip("192.168.1.5"), members, true, false, null), "member hosts are allowed");
    assertEquals(new AccessControl.Denied(403, "Access is denied", false),
        ac.check(ip("192.168.1.5"), members, false, true, null), "POST /failsafe skips the member list");
    assertEquals(new AccessControl.Denied(401, "no auth header received", true),
        ac.check(ip("10.0.0.7"), members, true, true, null));
    assertEquals(new AccessControl.Denied(401, "not authenticated", true),
        ac.check(ip("10.0.0.7"), members, true, true, basic("admin", "wrong")));
    assertEquals(new AccessControl.Denied(401, "not authenticated", true),
        ac.check(ip("10.0.0.7"), members, true, true, "Bearer x"));
    assertNull(ac.check(ip("10.0.0.7"), members, true, true, basic("admin", "s3cret")));
  }

  @Test
  void noPolicyLetsEveryoneIn() {
    assertNull(new AccessControl(List.of(), false, false, null).check(ip("8.8.8.8"), List.of(), true, false, null));
  }
}
