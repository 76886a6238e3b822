package io.heartgate.configs;

import io.heartgate.constants.ConstantUser;
import io.heartgate.constants.DefinedConstants;
import io.heartgate.core.Invalid;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A config's TOML as agents get it: the template, when its text last changed, and what it needs of constants (to
 * be served, checked and dated). The one place that puts the TOML and its constants together.
 *
 * @param tomlChangedAt epoch milliseconds of the last change of the TOML itself
 */
public record ConfigDocument(String id, String name, TomlTemplate template, long tomlChangedAt)
    implements ConstantUser {
  private static final String TOML = "toml";

  static ConfigDocument of(String id, String name, String toml, long tomlChangedAt) {
    return new ConfigDocument(id, name, TomlTemplate.of(toml), tomlChangedAt);
  }

  @Override
  public Set<String> constants() {
    return template.constantNames();
  }

  /** The TOML with its constants and parameters filled in; 400 as {@link TomlTemplate#render} says. */
  String render(Function<String, String> query, DefinedConstants constants) {
    return template.render(query, constants::value);
  }

  /** The {@code Last-Modified} (epoch milliseconds): the latest of the TOML's change and its constants' changes. */
  long lastModified(DefinedConstants constants) {
    return constants.lastModified(tomlChangedAt, constants());
  }

  @Override
  public long nextChangeAt(DefinedConstants constants) {
    return LastModified.nextChangeAfter(lastModified(constants));
  }

  /** The config's check ({@link TomlValidator}) with these constants, its refusal put in the constant's words. */
  @Override
  public void requireFits(String field, DefinedConstants constants) {
    try {
      TomlValidator.requireValid(TOML, template, constants::value);
    } catch (Invalid refused) {
      Map<String, Object> details = new LinkedHashMap<>(refused.details());
      details.remove("field");
      details.put("config", Map.of("id", id, "name", name));
      throw new Invalid(field, "With this value config " + name + " would be refused: " + refused.getMessage(),
          details);
    }
  }
}
