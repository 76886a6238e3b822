package io.heartgate.configs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.constants.DefinedConstants;
import io.heartgate.core.Invalid;
import io.heartgate.metrics.ConfigRenderMeters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The cache of rendered documents: keyed by all a document is made of, and bounded by weight. */
class RenderedDocumentsTest {
  private static final String TOML = "[agent]\n  hostname = \"&{agent_id}\"\n  url = \"::{url}\"\n  x = \"&{x:1}\"\n"
      + "# padding " + "-".repeat(1000) + "\n";
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ConfigRenderMeters meters = new ConfigRenderMeters(registry);

  private static ServedConfig current(int version, String url, long urlChangedAt) {
    return new ServedConfig(new ConfigDocument("id-1", "fleet", TomlTemplate.of(TOML), 1_000), version,
        new DefinedConstants(Map.of("url", url), Map.of("url", urlChangedAt)));
  }

  private static Function<String, String> query(String agentId) {
    return name -> name.equals("agent_id") ? agentId : null;
  }

  private double count(String name, String result) {
    return registry.get(name).tag("result", result).counter().count();
  }

  @Test
  void sameVersionsAndParametersAreOneEntryAndAnyChangeIsAnother() {
    RenderedDocuments documents = new RenderedDocuments(meters);
    ConfigService.Rendered first = documents.of(current(1, "http://a", 2_000), query("web-01"));
    assertSame(first, documents.of(current(1, "http://a", 2_000), query("web-01")));
    assertSame(first, documents.of(current(1, "http://a", 2_000), Map.of("agent_id", "web-01", "cache_buster",
        "1234")::get), "names the template does not use are not part of the key");
    assertEquals(2, count("heartgate.config.render.cache.lookups", "hit"));

    assertNotSame(first, documents.of(current(2, "http://a", 2_000), query("web-01")), "another version");
    ConfigService.Rendered revalued = documents.of(current(1, "http://b", 3_000), query("web-01"));
    assertTrue(revalued.toml().contains("http://b"), "another constant value");
    assertEquals(3_000, revalued.lastModified());
    assertTrue(documents.of(current(1, "http://a", 2_000), query("web-02")).toml().contains("web-02"));
    assertEquals(4, count("heartgate.config.render.cache.lookups", "miss"));
  }

  @Test
  void aRefusalIsNotKept() {
    RenderedDocuments documents = new RenderedDocuments(meters);
    assertThrows(Invalid.class, () -> documents.of(current(1, "http://a", 2_000), query(null)));
    assertThrows(Invalid.class, () -> documents.of(current(1, "http://a", 2_000), query(null)));
    assertEquals(0, registry.get("heartgate.config.render.cache.bytes").gauge().value());
  }

  @Test
  void manyDistinctParametersEvictInsteadOfGrowingPastTheBound() {
    long bound = 256 * 1024;
    RenderedDocuments documents = new RenderedDocuments(meters, bound);
    for (int agent = 0; agent < 10_000; agent++) {
      documents.of(current(1, "http://a", 2_000), query("agent-" + agent));
      assertTrue(registry.get("heartgate.config.render.cache.bytes").gauge().value() <= bound);
    }
    double bytes = registry.get("heartgate.config.render.cache.bytes").gauge().value();
    assertTrue(bytes > bound / 2, "the cache is used up to its bound: " + bytes);
    double missesBefore = count("heartgate.config.render.cache.lookups", "miss");
    documents.of(current(1, "http://a", 2_000), query("agent-0"));
    assertEquals(missesBefore + 1, count("heartgate.config.render.cache.lookups", "miss"), "the first one went");
  }
}
