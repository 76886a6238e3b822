package io.heartgate.core;

import io.vertx.core.internal.net.RFC3986;

/**
 * A request path as Vert.x Web's router reads it: escaped letters and digits decoded, dot segments and doubled
 * slashes removed, so that {@code /console/../api/agents}, {@code //api/agents} and {@code /%61pi/agents} are the
 * API. It is Vert.x's own normalization, the one the router applies (internal API of Vert.x 5, kept in this one
 * place).
 */
public final class RoutedPath {
  private RoutedPath() {
  }

  /** The path as routed; null when it cannot be read (a malformed escape), which the router refuses too. */
  public static String of(String rawPath) {
    try {
      return RFC3986.normalizePath(rawPath);
    } catch (IllegalArgumentException malformed) {
      return null;
    }
  }
}
