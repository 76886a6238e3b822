package io.heartgate.labels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.heartbeat.HeartbeatRoutes;
import io.heartgate.settings.DatabaseUrl;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TelegrafAgent;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The bounds on labels. Today (a helper's probe): none. A manager made 80,000 labels, and the next GET /api/labels,
 * which every console page with a label filter makes, halted a node of 256 MiB; one bulk request assigned 1,000
 * labels to each of 1,000 agents (a million rows, no answer within 30 s), and a page of those agents halted it too.
 */
class LabelLimitsTest {
  @TempDir
  Path tempDir;
  private TestGateway gateway;
  private Credentials manager;
  private String agentToken;

  private void start(DatabaseUrl store) throws Exception {
    gateway = TestGateway.start(store);
    Team team = Team.create(gateway);
    manager = team.session("manager");
    agentToken = team.token(team.session("owner"), "fleet", "telegraf-agent").getString("token");
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private Reply call(String method, String path, Object body) {
    return gateway.call(method, path, manager, body);
  }

  /** Labels made in parallel, their ids in the order of their names. */
  private List<String> labels(String prefix, int count) {
    return IntStream.range(0, count).mapToObj(i -> CompletableFuture.supplyAsync(() -> {
      Reply created = call("POST", "/api/labels", new JsonObject().put("name", prefix + "-" + i));
      assertEquals(201, created.status(), created.toString());
      return created.json().getString("id");
    })).toList().stream().map(CompletableFuture::join).toList();
  }

  private void agent(String id) {
    assertEquals(204, TelegrafAgent.post(gateway.heartbeatListener(HeartbeatRoutes.PATH), agentToken,
        TelegrafAgent.heartbeat(id)).statusCode());
  }

  private int labelCount(String path) {
    Reply read = gateway.get(path, manager);
    assertEquals(200, read.status(), read.toString());
    JsonArray labels = read.json().getJsonArray("labels");
    return labels == null ? 0 : labels.size();
  }

  private static JsonObject assignment(List<String> ids, List<String> labelIds) {
    return new JsonObject().put("ids", new JsonArray(ids)).put("labelIds", new JsonArray(labelIds));
  }

  private static void assertLimit(Reply reply, String message) {
    assertEquals(409, reply.status(), reply.toString());
    assertEquals("label_limit", reply.json().getString("error"), reply.toString());
    assertEquals(message, reply.json().getString("message"));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anAgentOrAConfigCarriesAtMostAHundredLabels(StoreKind kind) throws Exception {
    start(kind.freshStore(tempDir));
    List<String> labels = labels("l", 101);
    List<String> hundred = labels.subList(0, 100);
    String extra = labels.get(100);
    agent("web-01");
    agent("web-02");
    Reply config = call("POST", "/api/configs", new JsonObject().put("name", "base").put("toml", "[agent]\n"));
    String configId = config.json().getString("id");

    Reply assigned = call("PUT", "/api/agents/bulk/labels/assign", assignment(List.of("web-01"), hundred));
    assertEquals(200, assigned.status(), assigned.toString());
    assertLimit(call("PUT", "/api/agents/web-01/labels/" + extra, null),
        "An agent carries at most 100 labels; remove some first");
    assertLimit(call("PUT", "/api/agents/bulk/labels/assign", assignment(List.of("web-02", "web-01"),
        List.of(extra))), "Agent web-01 would carry more than 100 labels; remove some first");
    assertEquals(0, labelCount("/api/agents/web-02"), "a refused bulk assignment changes nothing");
    assertEquals(100, labelCount("/api/agents/web-01"));
    assertEquals(200, call("PUT", "/api/agents/web-01/labels/" + hundred.get(7), null).status(),
        "a label it carries may be assigned again");

    assertEquals(200, call("PUT", "/api/configs/bulk/labels/assign", assignment(List.of(configId), hundred))
        .status());
    assertLimit(call("POST", "/api/configs/" + configId + "/assign/" + extra, null),
        "A config carries at most 100 labels; remove some first");
    assertEquals(100, labelCount("/api/configs/" + configId));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void parallelAssignmentsCannotPassTheLimitTogether(StoreKind kind) throws Exception {
    start(kind.freshStore(tempDir));
    List<String> labels = labels("p", 120);
    agent("web-03");
    for (int round = 0; round < 3; round++) {
      call("PUT", "/api/agents/bulk/labels/remove", assignment(List.of("web-03"), labels));
      List<CompletableFuture<Reply>> both = List.of(labels.subList(0, 60), labels.subList(60, 120)).stream()
          .map(half -> CompletableFuture.supplyAsync(() -> call("PUT", "/api/agents/bulk/labels/assign",
              assignment(List.of("web-03"), half))))
          .toList();
      List<Integer> statuses = both.stream().map(CompletableFuture::join).map(Reply::status).sorted().toList();
      assertEquals(List.of(200, 409), statuses, "round " + round);
      assertEquals(60, labelCount("/api/agents/web-03"), "round " + round);
    }
  }

  @Test
  void oneRequestAssignsAtMostTenThousandLabelsInAll() throws Exception {
    start(StoreKind.SQLITE.freshStore(tempDir));
    List<String> ids = IntStream.range(0, 1000).mapToObj(i -> "agent-" + i).toList();
    List<String> labels = IntStream.range(0, 11).mapToObj(i -> "label-" + i).toList();
    Reply refused = call("PUT", "/api/agents/bulk/labels/assign", assignment(ids, labels));
    assertEquals(400, refused.status(), refused.toString());
    assertEquals("labelIds", refused.json().getJsonObject("details").getString("field"));
    assertEquals("labelIds × ids may make at most 10000 assignments in one request",
        refused.json().getString("message"));
  }

  @Test
  void aNodeHoldsAtMostTenThousandLabels() throws Exception {
    DatabaseUrl.Sqlite store = (DatabaseUrl.Sqlite) StoreKind.SQLITE.freshStore(tempDir);
    start(store);
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + store.file());
        PreparedStatement insert = connection.prepareStatement(
            "INSERT INTO labels (id, name, description, color, created_at) VALUES (?, ?, '', '#3b82f6', 0)")) {
      connection.setAutoCommit(false);
      for (int i = 0; i < LabelService.MAX_LABELS - 1; i++) {
        insert.setString(1, "seeded-" + i);
        insert.setString(2, "seeded-" + i);
        insert.addBatch();
      }
      insert.executeBatch();
      connection.commit();
    }
    assertEquals(201, call("POST", "/api/labels", new JsonObject().put("name", "last")).status());
    assertLimit(call("POST", "/api/labels", new JsonObject().put("name", "one too many")),
        "A node holds at most 10000 labels; delete some first");
    assertTrue(labelCount("/api/labels") == LabelService.MAX_LABELS, "nothing was added");
  }
}
