package io.heartgate.configs;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.heartgate.core.Invalid;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Checks on write that a config is TOML that Telegraf can load, with its constants, its parameters and Telegraf's
 * own placeholders standing in (see {@link TomlTemplate#forValidation}); 400 with line and column otherwise.
 */
public final class TomlValidator {
  /** Thread-safe once built; parsing a tree needs no configuration. */
  private static final TomlMapper TOML = new TomlMapper();
  /** The parser's limit of nesting, which Heartgate holds dotted keys and headers to as well. */
  private static final int MAX_DEPTH = TOML.getFactory().streamReadConstraints().getMaxNestingDepth();

  private TomlValidator() {
  }

  /**
   * Fails with 400 naming the field, the parser's reason, and the line and column (both from 1).
   *
   * @param constants the value of each defined constant, written in place as the served TOML will have it; null
   *     for an undefined one
   */
  public static void requireValid(String field, TomlTemplate template, Function<String, String> constants) {
    template.requireInsertsKeepTheirPlace(field, constants);
    String text = template.forValidation(field, constants);
    // Telegraf strips a byte order mark before parsing; the parser would not.
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    JsonNode tree;
    try {
      tree = TOML.readTree(text);
    } catch (StreamConstraintsException e) {
      throw tooDeep(field);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      Map<String, Object> details = new LinkedHashMap<>();
      String where = "";
      if (at != null && at.getLineNr() > 0) {
        details.put("line", at.getLineNr());
        details.put("column", at.getColumnNr());
        where = " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      }
      throw new Invalid(field, field + " is not valid TOML" + where + ": " + e.getOriginalMessage(), details);
    }
    requireWhatTelegrafLoads(field, tree);
  }

  /**
   * What the parser takes and Telegraf does not: tables nested deeper than the parser's limit by dotted keys or
   * headers (the parser counts only arrays and inline tables), and integers beyond 64 bits. Walked without
   * recursion, since such a tree may be hundreds of thousands of levels deep.
   */
  private static void requireWhatTelegrafLoads(String field, JsonNode tree) {
    Deque<JsonNode> nodes = new ArrayDeque<>();
    Deque<Integer> depths = new ArrayDeque<>();
    nodes.push(tree);
    depths.push(0);
    while (!nodes.isEmpty()) {
      JsonNode node = nodes.pop();
      int depth = depths.pop();
      if (node.isBigInteger() && node.bigIntegerValue().bitLength() > 63) {
        throw new Invalid(field, field + " is not valid TOML: an integer beyond 64 bits (" + node.asText() + ")");
      }
      if (node.isContainerNode()) {
        if (depth >= MAX_DEPTH) {
          throw tooDeep(field);
        }
        node.forEach(child -> {
          nodes.push(child);
          depths.push(depth + 1);
        });
      }
    }
  }

  private static Invalid tooDeep(String field) {
    return new Invalid(field, field + " is not valid TOML: it nests arrays or tables deeper than " + MAX_DEPTH
        + " levels");
  }
}
