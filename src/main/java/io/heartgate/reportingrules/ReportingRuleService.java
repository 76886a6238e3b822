package io.heartgate.reportingrules;

import io.heartgate.audit.AuditLog;
import io.heartgate.auth.Principal;
import io.heartgate.core.ClientInfo;
import io.heartgate.core.Conflict;
import io.heartgate.core.IdSnapshot;
import io.heartgate.core.NotFound;
import io.heartgate.core.Page;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

/**
 * The rules of reporting rules: exactly one default exists at all times, it cannot be deleted or unset, and
 * making another rule the default moves the flag in one transaction.
 */
public final class ReportingRuleService {
  /** Rules in a page of their listing. */
  static final int LISTING_PAGE = 500;
  private static final String TARGET = "reporting-rule";

  private final ReportingRuleRepository rules;
  private final AuditLog audit;
  private final Clock clock;

  public ReportingRuleService(ReportingRuleRepository rules, AuditLog audit, Clock clock) {
    this.rules = rules;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * A new rule as the caller asks for it, fields already validated.
   *
   * @param autoDeleteAfterSeconds null for never
   */
  public record NewRule(String name, int notReportingAfterSeconds, Integer autoDeleteAfterSeconds,
      boolean makeDefault) {
  }

  /**
   * A partial update, fields already validated; a null field is left as it is.
   *
   * @param setAutoDelete whether {@code autoDeleteAfterSeconds} was given (null then clears it)
   * @param isDefault true makes the rule the default, false asks it not to be the default
   */
  public record Patch(String name, Integer notReportingAfterSeconds, boolean setAutoDelete,
      Integer autoDeleteAfterSeconds, Boolean isDefault) {
  }

  /** A page of the rules, the default rule first, then by name: {@value #LISTING_PAGE} of them. */
  public Future<Page<ReportingRule, IdSnapshot>> page(IdSnapshot at) {
    return IdSnapshot.page(at, LISTING_PAGE, rules::ids, rules::byIds, ReportingRule::id);
  }

  /** At most {@code count} rules after {@code after} (null: from the first), the default first: a page asked for. */
  public Future<Page<ReportingRule, RuleCursor>> after(RuleCursor after, int count) {
    return rules.idsAfter(after, count + 1)
        .compose(ids -> Page.ofIds(ids, count, rules::byIds, ReportingRule::id));
  }

  public Future<ReportingRule> get(String id) {
    return rules.byId(id).compose(rule -> rule.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(notFound())));
  }

  /** Whether a rule with this id exists (agents name their rule by id). */
  public Future<Boolean> exists(String id) {
    return rules.byId(id).map(Optional::isPresent);
  }

  public Future<ReportingRule> create(Principal actor, NewRule request, ClientInfo client) {
    long now = clock.millis();
    ReportingRule rule = new ReportingRule(UUID.randomUUID().toString(), request.name(),
        request.notReportingAfterSeconds(), request.autoDeleteAfterSeconds(), request.makeDefault(), now, now);
    return rules.insert(rule)
        .compose(created -> audit.record("reporting-rule.create", actor, TARGET, rule.id(),
            AuditLog.SUCCESS, client).map(created));
  }

  public Future<ReportingRule> update(Principal actor, String id, Patch patch, ClientInfo client) {
    return get(id)
        .compose(current -> {
          // Unsetting leaves no default; the operator must pick the new default, which moves the flag.
          if (current.isDefault() && Boolean.FALSE.equals(patch.isDefault())) {
            return Future.failedFuture(new Conflict("default_rule_required", "Reporting rule " + current.name()
                + " is the default and a default rule must always exist: make another rule the default instead"));
          }
          ReportingRuleRepository.Changes changes = new ReportingRuleRepository.Changes(patch.name(),
              patch.notReportingAfterSeconds(), patch.setAutoDelete(), patch.autoDeleteAfterSeconds(),
              Boolean.TRUE.equals(patch.isDefault()));
          return rules.update(id, changes, clock.millis());
        })
        .compose(changed -> changed.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(notFound())))
        .compose(changed -> audit.record("reporting-rule.update", actor, TARGET, id, AuditLog.SUCCESS,
            client).map(changed));
  }

  /** Deletes a rule other than the default; its agents fall back to the default. */
  public Future<Void> delete(Principal actor, String id, ClientInfo client) {
    return rules.deleteUnlessDefault(id)
        .compose(deleted -> deleted ? Future.succeededFuture() : get(id).compose(rule -> Future.failedFuture(
            new Conflict("default_rule_undeletable", "Reporting rule " + rule.name() + " is the default and "
                + "cannot be deleted: make another rule the default first"))))
        .compose(ignored -> audit.record("reporting-rule.delete", actor, TARGET, id, AuditLog.SUCCESS,
            client));
  }

  private static NotFound notFound() {
    return new NotFound("No such reporting rule");
  }
}
