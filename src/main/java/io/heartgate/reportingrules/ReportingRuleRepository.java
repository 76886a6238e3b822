package io.heartgate.reportingrules;

import io.heartgate.core.Conflict;
import io.heartgate.core.Page;
import io.heartgate.store.Dialect;
import io.heartgate.store.RowLocks;
import io.heartgate.store.Sql;
import io.heartgate.store.Store;
import io.heartgate.store.UniqueViolation;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL for reporting rules. */
public final class ReportingRuleRepository {
  private static final String COLUMNS = "id, name, not_reporting_after_seconds, auto_delete_after_seconds, "
      + "is_default, created_at, updated_at";
  private static final String SELECT = "SELECT " + COLUMNS + " FROM reporting_rules";

  private static final String ORDER = " ORDER BY is_default DESC, name";

  private final Store store;
  /**
   * Listings and single items: on SQLite the reading connection, which waits for no write (see {@link Store#reads}).
   */
  private final Store reads;

  public ReportingRuleRepository(Store store) {
    this.store = store;
    this.reads = store.reads();
  }

  /**
   * What an update changes; a null name or threshold keeps the stored one.
   *
   * @param setAutoDelete whether {@code autoDeleteAfterSeconds} replaces the stored value (null clears it)
   * @param makeDefault whether the rule becomes the default; false leaves the flag as it is
   */
  public record Changes(String name, Integer notReportingAfterSeconds, boolean setAutoDelete,
      Integer autoDeleteAfterSeconds, boolean makeDefault) {
  }

  /** The ids of every rule: the default rule first, then by name. */
  public Future<List<String>> ids() {
    return reads.strings("SELECT id FROM reporting_rules" + ORDER, Tuple.tuple());
  }

  /**
   * The ids of the first {@code limit} rules after {@code after} (null: from the first) in the listing's order, the
   * default rule first, then by name.
   */
  public Future<List<Page.Keyed<RuleCursor>>> idsAfter(RuleCursor after, int limit) {
    // (1 - is_default, name) ascending is the listing's order: the default rule (1) first, then by name.
    return reads.query(after == null ? "SELECT id, is_default, name FROM reporting_rules" + ORDER + " LIMIT $1"
            : "SELECT id, is_default, name FROM reporting_rules WHERE (1 - is_default, name) > ($2, $3)" + ORDER
                + " LIMIT $1", after == null ? Tuple.of(limit) : Tuple.of(limit, after.isDefault() ? 0 : 1,
            after.name()))
        .map(rows -> {
          List<Page.Keyed<RuleCursor>> keyed = new ArrayList<>(rows.size());
          rows.forEach(row -> keyed.add(new Page.Keyed<>(row.getString("id"),
              new RuleCursor(row.getInteger("is_default") == 1, row.getString("name")))));
          return keyed;
        });
  }

  /** These rules, in no particular order; ids that name none are left out. */
  public Future<List<ReportingRule>> byIds(List<String> ids) {
    return reads.query(SELECT + " WHERE id IN (" + Sql.placeholders(1, ids.size()) + ")",
        Tuple.from(new ArrayList<Object>(ids))).map(ReportingRuleRepository::all);
  }

  public Future<Optional<ReportingRule>> byId(String id) {
    return reads.query(SELECT + " WHERE id = $1", Tuple.of(id)).map(ReportingRuleRepository::first);
  }

  /**
   * Inserts; a default rule takes the flag from the old default in the same transaction. The rule as stored. Fails
   * with a {@link Conflict} when the name is taken or another request moved the default meanwhile.
   */
  public Future<ReportingRule> insert(ReportingRule rule) {
    return store.inTransaction(connection -> takeDefaultIf(rule.isDefault(), connection, rule.id(),
            rule.updatedAt())
        .compose(ignored -> connection.query("INSERT INTO reporting_rules (" + COLUMNS + ") "
                + "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING " + COLUMNS,
            Tuple.from(new Object[] {rule.id(), rule.name(), rule.notReportingAfterSeconds(),
                rule.autoDeleteAfterSeconds(), rule.isDefault() ? 1 : 0, rule.createdAt(), rule.updatedAt()})))
        .map(rows -> toRule(rows.iterator().next())))
        .recover(UniqueViolation.asConflict(ReportingRuleRepository::conflict));
  }

  /**
   * Applies the changes in one transaction (a rule made default takes the flag from the old default); the rule as
   * they leave it, or empty when there is no such rule. Fails with a {@link Conflict} when the new name is taken or
   * another request moved the default meanwhile.
   */
  public Future<Optional<ReportingRule>> update(String id, Changes changes, long now) {
    return store.inTransaction(connection -> takeDefaultIf(changes.makeDefault(), connection, id, now)
        // Written as one statement from the request's fields, not a read-modify-write, so two concurrent
        // updates of different fields both land.
        .compose(ignored -> connection.query("UPDATE reporting_rules SET "
                + "name = COALESCE(CAST($2 AS TEXT), name), "
                + "not_reporting_after_seconds = COALESCE(CAST($3 AS INTEGER), not_reporting_after_seconds), "
                + "auto_delete_after_seconds = CASE WHEN $4 = 1 THEN CAST($5 AS INTEGER) "
                + "ELSE auto_delete_after_seconds END, "
                + "is_default = CASE WHEN $6 = 1 THEN 1 ELSE is_default END, "
                + "updated_at = $7 WHERE id = $1 RETURNING " + COLUMNS,
            Tuple.from(new Object[] {id, changes.name(), changes.notReportingAfterSeconds(),
                changes.setAutoDelete() ? 1 : 0, changes.autoDeleteAfterSeconds(), changes.makeDefault() ? 1 : 0,
                now})))
        // An unknown id must not leave the old default cleared: fail, so the transaction rolls back.
        .compose(rows -> rows.size() > 0 ? Future.succeededFuture(first(rows))
            : Future.<Optional<ReportingRule>>failedFuture(new NoSuchRule())))
        .recover(UniqueViolation.asConflict(ReportingRuleRepository::conflict))
        .recover(e -> e instanceof NoSuchRule ? Future.succeededFuture(Optional.empty()) : Future.failedFuture(e));
  }

  /**
   * Deletes a rule unless it is the default; false when nothing was deleted (no such rule, or the default).
   * Agents on the deleted rule get a NULL rule, which means the default (ON DELETE SET NULL). On PostgreSQL their
   * rows are locked first, in id order: the cascade updates them in the order it finds them, and a heartbeat batch
   * locks agents rows in id order (see HeartbeatRepository), so the two could each hold a row the other waited
   * for, a deadlock. This lock, the only SQL here on agents, is part of what deleting a rule does to them.
   */
  public Future<Boolean> deleteUnlessDefault(String id) {
    Tuple rule = Tuple.of(id);
    return store.inTransaction(tx -> (tx.dialect() == Dialect.POSTGRES
            ? tx.query(RowLocks.inOrder("agents", "reporting_rule_id = $1", "id", RowLocks.Strength.NO_KEY_UPDATE),
                rule)
            : Future.succeededFuture())
        .compose(locked -> tx.query("DELETE FROM reporting_rules WHERE id = $1 AND is_default = 0", rule))
        .map(rows -> rows.rowCount() > 0));
  }

  /**
   * Clears the default flag of every other rule first: the partial unique index allows one default at a time,
   * checked per statement.
   */
  private Future<Void> takeDefaultIf(boolean makeDefault, Sql connection, String id, long now) {
    if (!makeDefault) {
      return Future.succeededFuture();
    }
    return connection.query(
            "UPDATE reporting_rules SET is_default = 0, updated_at = $2 WHERE is_default = 1 AND id <> $1",
            Tuple.of(id, now))
        .mapEmpty();
  }

  /** The unique index that broke: the one allowing a single default rule, or the one on names. */
  private static Conflict conflict(String constraint) {
    return constraint.contains("is_default") || constraint.contains("single_default")
        ? new Conflict("default_rule_conflict", "Another request changed the default reporting rule at the same "
            + "time; try again")
        : new Conflict("reporting_rule_name_conflict", "A reporting rule with this name already exists");
  }

  /** Rolls back an update of a rule that does not exist. */
  private static final class NoSuchRule extends RuntimeException {
    NoSuchRule() {
      super(null, null, false, false);
    }
  }

  private static Optional<ReportingRule> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(toRule(rows.iterator().next()));
  }

  private static List<ReportingRule> all(RowSet<Row> rows) {
    List<ReportingRule> rules = new ArrayList<>(rows.size());
    rows.forEach(row -> rules.add(toRule(row)));
    return rules;
  }

  private static ReportingRule toRule(Row row) {
    return new ReportingRule(row.getString("id"), row.getString("name"), row.getInteger("not_reporting_after_seconds"),
        row.getInteger("auto_delete_after_seconds"), row.getInteger("is_default") == 1, row.getLong("created_at"),
        row.getLong("updated_at"));
  }
}
