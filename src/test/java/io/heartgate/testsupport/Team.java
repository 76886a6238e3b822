package io.heartgate.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/** An owner set up through the API, and one logged-in user of every other role. */
public final class Team {
  public static final String PASSWORD = "correct horse battery";
  private final TestGateway gateway;
  private final Map<String, Member> members;

  /** A user of the team: id and session. */
  public record Member(String id, String username, Credentials session) {
  }

  private Team(TestGateway gateway, Map<String, Member> members) {
    this.gateway = gateway;
    this.members = members;
  }

  public static Team create(TestGateway gateway) {
    Reply setup = gateway.post("/api/auth/setup", Credentials.NONE,
        new JsonObject().put("username", "owner").put("password", PASSWORD));
    assertEquals(201, setup.status(), setup.toString());
    Member owner = new Member(setup.json().getString("id"), "owner", cookie(setup));
    Map<String, Member> members = new java.util.HashMap<>(Map.of("owner", owner));
    for (String role : new String[] {"administrator", "manager", "viewer"}) {
      members.put(role, addUser(gateway, owner.session(), role, role));
    }
    return new Team(gateway, members);
  }

  /** Creates a user through the API and logs them in. */
  public static Member addUser(TestGateway gateway, Credentials as, String username, String role) {
    Reply created = gateway.post("/api/users", as,
        new JsonObject().put("username", username).put("password", PASSWORD).put("role", role));
    assertEquals(201, created.status(), created.toString());
    return new Member(created.json().getString("id"), username, login(gateway, username));
  }

  public static Credentials login(TestGateway gateway, String username) {
    Reply login = gateway.post("/api/auth/login/local", Credentials.NONE,
        new JsonObject().put("username", username).put("password", PASSWORD));
    assertEquals(200, login.status(), login.toString());
    return cookie(login);
  }

  private static Credentials cookie(Reply reply) {
    String setCookie = reply.header("set-cookie");
    return Credentials.session(setCookie.substring(0, setCookie.indexOf(';')));
  }

  public Member member(String role) {
    return members.get(role);
  }

  public Credentials session(String role) {
    return members.get(role).session();
  }

  /** Creates a token as the given credentials; returns the creation reply (with "token" and "id"). */
  public JsonObject token(Credentials as, String name, Object permissions) {
    JsonObject body = new JsonObject().put("name", name);
    if (permissions != null) {
      body.put("permissions", permissions);
    }
    Reply created = gateway.post("/api/tokens", as, body);
    assertEquals(201, created.status(), created.toString());
    return created.json();
  }
}
