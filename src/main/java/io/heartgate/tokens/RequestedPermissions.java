package io.heartgate.tokens;

import io.heartgate.auth.Permissions;
import io.heartgate.core.Forbidden;
import io.heartgate.core.Invalid;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a new token gets of what its creator asked for: the overlap with the creator's ceiling (the role, narrowed
 * by the creating token when a token creates a token), and the permissions asked for outside it, which are dropped
 * rather than refused (the product intersects custom permissions with the role). Both in the contract's order.
 */
record RequestedPermissions(Set<String> granted, Set<String> dropped) {

  /**
   * @param list explicit permissions, or null for the preset
   * @param preset a preset name, or null for {@code full}; a preset is defined within the ceiling, so it drops nothing
   * @throws Invalid when a name is unknown or nothing at all is asked for
   * @throws Forbidden when the overlap is empty
   */
  static RequestedPermissions within(Set<String> ceiling, List<String> list, String preset) {
    if (list == null) {
      return atLeastOne(new RequestedPermissions(
          Permissions.preset(preset == null ? Permissions.PRESET_FULL : preset, ceiling), Set.of()));
    }
    for (String permission : list) {
      if (!Permissions.isKnown(permission)) {
        throw new Invalid("permissions", "unknown permission " + permission);
      }
    }
    Set<String> asked = Permissions.inOrder(Set.copyOf(list));
    Set<String> granted = Permissions.intersect(asked, ceiling);
    Set<String> dropped = new LinkedHashSet<>(asked);
    dropped.removeAll(granted);
    return atLeastOne(new RequestedPermissions(granted, dropped));
  }

  private static RequestedPermissions atLeastOne(RequestedPermissions requested) {
    if (!requested.granted.isEmpty()) {
      return requested;
    }
    if (requested.dropped.isEmpty()) {
      throw new Invalid("permissions", "permissions must grant at least one permission");
    }
    throw new Forbidden(requested.dropped.size() == 1
        ? "cannot grant permission " + requested.dropped.iterator().next() + ": you do not hold it"
        : "cannot grant permissions " + String.join(", ", requested.dropped) + ": you hold none of them");
  }
}
