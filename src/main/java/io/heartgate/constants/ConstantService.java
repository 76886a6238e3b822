package io.heartgate.constants;

import io.heartgate.audit.AuditLog;
import io.heartgate.auth.Principal;
import io.heartgate.core.ClientInfo;
import io.heartgate.core.Conflict;
import io.heartgate.core.IdSnapshot;
import io.heartgate.core.NotFound;
import io.heartgate.core.Page;
import io.heartgate.store.ExclusiveSection;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The rules of constants: names are unique; a value is checked against every config that uses (or will use) it,
 * and against the config groups holding them, so it never breaks one; a change of value or name moves the
 * Last-Modified of every config that uses it to a later second; a constant in use can be neither deleted nor
 * renamed (either would leave its configs undefined).
 * Fields arrive already checked for shape by the routes.
 */
public final class ConstantService {
  private static final String TARGET = "constant";
  private static final String VALUE = "value";
  /** Most constants a node holds: every check of a config's constants may read them all. */
  static final int MAX_CONSTANTS = 1_000;
  /** Constants in a page of their listing. */
  static final int LISTING_PAGE = 10;
  /**
   * Most characters of values and descriptions all constants hold together: a check of a config may read them all
   * (and before listings were written a page at a time, 1,000 constants of 64 KiB made one that halted a node of
   * 256 MiB).
   */
  static final long MAX_TEXT = 4L * 1024 * 1024;

  private final ConstantRepository constants;
  private final ConstantUsers users;
  private final ExclusiveSection contentChanges;
  private final AuditLog audit;
  private final Clock clock;

  /**
   * @param contentChanges where every change of a constant but of its description alone runs, its checks and its
   *     write, one at a time with the other changes of what configs and groups serve
   */
  public ConstantService(ConstantRepository constants, ConstantUsers users, ExclusiveSection contentChanges,
      AuditLog audit, Clock clock) {
    this.constants = constants;
    this.users = users;
    this.contentChanges = contentChanges;
    this.audit = audit;
    this.clock = clock;
  }

  /** A new constant, fields already checked; a null description is empty. */
  public record NewConstant(String name, String value, String description) {
  }

  /**
   * A page of the constants by name: {@value #LISTING_PAGE} of them, each of at most 64 KiB (more for those stored
   * before the limits).
   */
  public Future<Page<Constant, IdSnapshot>> page(IdSnapshot at) {
    return IdSnapshot.page(at, LISTING_PAGE, constants::ids, constants::byIds, Constant::id);
  }

  /** At most {@code count} constants by name after {@code name} (null: from the first): a page asked for. */
  public Future<Page<Constant, String>> after(String name, int count) {
    return constants.idsAfter(name, count + 1)
        .compose(ids -> Page.ofIds(ids, count, constants::byIds, Constant::id));
  }

  public Future<Constant> get(String id) {
    return constants.byId(id).compose(constant -> constant.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(notFound())));
  }

  /** The defined constants among these names, with their values and change times, read from the store now. */
  public Future<DefinedConstants> named(Set<String> names) {
    return names.isEmpty() ? Future.succeededFuture(new DefinedConstants(Map.of(), Map.of()))
        : constants.named(names);
  }

  public Future<Constant> create(Principal actor, NewConstant request, ClientInfo client) {
    String id = UUID.randomUUID().toString();
    String description = request.description() == null ? "" : request.description();
    return contentChanges.run(() -> nameFree(request.name(), id)
            .compose(ignored -> roomFor(null, request.value(), description))
            .compose(ignored -> fitsItsUsers(request.name(), request.value()))
            .compose(fitting -> {
              long now = clock.millis();
              long at = Math.max(now, fitting.notBefore());
              return constants.insert(new Constant(id, request.name(), request.value(), description, now, now, at),
                  sql -> users.changed(sql, fitting.users(), at));
            }))
        .compose(created -> audit.record("constant.create", actor, TARGET, id, AuditLog.SUCCESS, client)
            .map(created));
  }

  /**
   * Applies the changes (at least one field), once the constants' room is counted. A change of the description alone
   * changes nothing any config serves: it is written outside the exclusive section, without waiting for the changes
   * in it (so two at once may pass the room by a description; the stored value's change time stays as it is).
   */
  public Future<Constant> update(Principal actor, String id, ConstantRepository.Changes changes,
      ClientInfo client) {
    boolean served = changes.name() != null || changes.value() != null;
    Supplier<Future<Optional<Constant>>> write = () -> get(id).compose(current -> roomFor(current,
            changes.value() == null ? current.value() : changes.value(),
            changes.description() == null ? current.description() : changes.description())
        .compose(ignored -> served ? renameOrRevalue(current, changes)
            : constants.update(id, changes, clock.millis(), current.valueChangedAt())));
    return (served ? contentChanges.run(write) : write.get())
        .compose(changed -> changed.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(notFound())))
        .compose(changed -> audit.record("constant.update", actor, TARGET, id, AuditLog.SUCCESS, client)
            .map(changed));
  }

  /** In the exclusive section: checks a new name or value against the constant's users, then writes the changes. */
  private Future<Optional<Constant>> renameOrRevalue(Constant current, ConstantRepository.Changes changes) {
    String id = current.id();
    boolean renamed = changes.name() != null && !changes.name().equals(current.name());
    boolean revalued = changes.value() != null && !changes.value().equals(current.value());
    if (!renamed && !revalued) {
      return constants.update(id, changes, clock.millis(), current.valueChangedAt());
    }
    String name = renamed ? changes.name() : current.name();
    String value = revalued ? changes.value() : current.value();
    Future<Void> checked = renamed
        ? nameFree(name, id).compose(ignored -> notInUse(current, "renamed"))
        : Future.succeededFuture();
    return checked
        .compose(ignored -> fitsItsUsers(name, value))
        .compose(fitting -> {
          long now = clock.millis();
          long at = Math.max(now, fitting.notBefore());
          return constants.update(id, changes, now, at, sql -> users.changed(sql, fitting.users(), at));
        });
  }

  /** Deletes a constant that no config uses. */
  public Future<Void> delete(Principal actor, String id, ClientInfo client) {
    return contentChanges.run(() -> get(id)
            .compose(current -> notInUse(current, "deleted"))
            .compose(ignored -> constants.delete(id)))
        .compose(deleted -> deleted ? Future.succeededFuture() : Future.failedFuture(notFound()))
        .compose(ignored -> audit.record("constant.delete", actor, TARGET, id, AuditLog.SUCCESS, client));
  }

  /**
   * 409 {@code constant_limit} when the constants would pass {@link #MAX_CONSTANTS} or {@link #MAX_TEXT} with this
   * value and description, in place of {@code replaced}'s (null for a new constant).
   */
  private Future<Void> roomFor(Constant replaced, String value, String description) {
    return constants.totals().compose(totals -> {
      if (replaced == null && totals.count() >= MAX_CONSTANTS) {
        return Future.failedFuture(new Conflict("constant_limit", "A node holds at most " + MAX_CONSTANTS
            + " constants; delete some first"));
      }
      long freed = replaced == null ? 0 : replaced.value().length() + replaced.description().length();
      if (totals.text() - freed + value.length() + description.length() > MAX_TEXT) {
        return Future.failedFuture(new Conflict("constant_limit", "Constants hold at most " + MAX_TEXT
            + " characters of values and descriptions together; shorten or delete some first"));
      }
      return Future.succeededFuture();
    });
  }

  /** 409 before anything else is checked when another constant has the name (the store's unique key still decides). */
  private Future<Void> nameFree(String name, String id) {
    return constants.byName(name).compose(other -> other.isPresent() && !other.get().id().equals(id)
        ? Future.failedFuture(ConstantRepository.nameTaken(name)) : Future.succeededFuture());
  }

  /** 409 {@code constant_in_use} with {@code details.configs} ({@code [{"id","name"}]}) when configs use it. */
  private Future<Void> notInUse(Constant constant, String refused) {
    return users.using(constant.name()).compose(using -> {
      if (using.isEmpty()) {
        return Future.succeededFuture();
      }
      JsonArray configs = new JsonArray();
      using.forEach(user -> configs.add(new JsonObject().put("id", user.id()).put("name", user.name())));
      return Future.failedFuture(new Conflict("constant_in_use", "Constant " + constant.name() + " is used by "
          + using.size() + (using.size() == 1 ? " config" : " configs") + " and cannot be " + refused,
          Map.of("configs", configs.getList())));
    });
  }

  /**
   * Checks the value against every config that uses {@code ::{name}} (400 on {@code value} naming the first one
   * it would break), then against the config groups holding them (400 naming the groups it would break).
   */
  private Future<Fitting> fitsItsUsers(String name, String value) {
    ConstantLookup stored = this::named;
    return users.using(name).compose(using -> {
      Set<String> names = new HashSet<>();
      using.forEach(user -> names.addAll(user.constants()));
      return named(names).map(now -> {
        DefinedConstants after = now.with(name, value);
        long notBefore = 0;
        for (ConstantUser user : using) {
          user.requireFits(VALUE, after);
          notBefore = Math.max(notBefore, user.nextChangeAt(now));
        }
        return new Fitting(using, notBefore);
      }).compose(fitting -> users.requireGroupsServable(VALUE, using, stored, stored.with(name, value))
          .map(fitting));
    });
  }

  /**
   * The documents a constant's change was checked against (no other can start using it before the change is
   * written: both run in the exclusive section), and the earliest change time that moves each one's Last-Modified
   * to a later second (0: none).
   */
  private record Fitting(List<ConstantUser> users, long notBefore) {
  }

  private static NotFound notFound() {
    return new NotFound("Constant not found");
  }
}
