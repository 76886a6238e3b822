package io.heartgate.labels;

import io.heartgate.audit.AuditLog;
import io.heartgate.auth.Principal;
import io.heartgate.core.ClientInfo;
import io.heartgate.core.Conflict;
import io.heartgate.core.IdSnapshot;
import io.heartgate.core.NotFound;
import io.heartgate.core.Page;
import io.heartgate.store.ForeignKeyViolation;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The rules of labels: names are unique, deleting a label removes it from every agent and config, and an
 * assignment names an existing label. Whether the agent or config exists is its own feature's to check before
 * it asks for an assignment here; one deleted meanwhile fails as not found.
 */
public final class LabelService {
  /** The colour of labels made from the label strings of the previous release (V3__labels). */
  public static final String DEFAULT_COLOR = "#3b82f6";
  /**
   * Labels a node holds at most: every console page with a label filter reads them all, and 80,000 of them made
   * one such read halt a node of 256 MiB.
   */
  public static final int MAX_LABELS = 10_000;
  /** Labels one agent or config carries at most: each record, on every page of a listing, names them all. */
  public static final int MAX_PER_OBJECT = 100;
  private static final String TARGET = "label";
  /** Labels in a page of their listing. */
  static final int LISTING_PAGE = 250;

  private final LabelRepository labels;
  private final AuditLog audit;
  private final Clock clock;

  public LabelService(LabelRepository labels, AuditLog audit, Clock clock) {
    this.labels = labels;
    this.audit = audit;
    this.clock = clock;
  }

  /** A new label, fields already validated; a null colour is the default one. */
  public record NewLabel(String name, String description, String color) {
  }

  /** A page of the labels by name: {@value #LISTING_PAGE} of them, each of a description up to 1,000 characters. */
  public Future<Page<Label, IdSnapshot>> page(IdSnapshot at) {
    return IdSnapshot.page(at, LISTING_PAGE, labels::ids, labels::byIds, Label::id);
  }

  /** At most {@code count} labels by name after {@code name} (null: from the first): a page asked for. */
  public Future<Page<Label, String>> after(String name, int count) {
    return labels.idsAfter(name, count + 1)
        .compose(ids -> Page.ofIds(ids, count, labels::byIds, Label::id));
  }

  public Future<Label> get(String id) {
    return labels.byId(id).compose(label -> label.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(notFound())));
  }

  public Future<Label> create(Principal actor, NewLabel request, ClientInfo client) {
    Label label = new Label(UUID.randomUUID().toString(), request.name(),
        request.description() == null ? "" : request.description(),
        request.color() == null ? DEFAULT_COLOR : request.color(), clock.millis());
    return labels.insert(label, MAX_LABELS)
        .compose(inserted -> inserted.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(
            new Conflict("label_limit", "A node holds at most " + MAX_LABELS + " labels; delete some first"))))
        .compose(created -> audit.record("label.create", actor, TARGET, label.id(), AuditLog.SUCCESS, client)
            .map(created));
  }

  /** Applies the changes; fields already validated, at least one given. The label as written. */
  public Future<Label> update(Principal actor, String id, LabelRepository.Changes changes, ClientInfo client) {
    return labels.update(id, changes)
        .compose(changed -> changed.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(notFound())))
        .compose(changed -> audit.record("label.update", actor, TARGET, id, AuditLog.SUCCESS, client).map(changed));
  }

  /** Deletes the label and removes it from every agent and config. */
  public Future<Void> delete(Principal actor, String id, ClientInfo client) {
    return labels.delete(id)
        .compose(found -> found ? Future.succeededFuture() : Future.<Void>failedFuture(notFound()))
        .compose(ignored -> audit.record("label.delete", actor, TARGET, id, AuditLog.SUCCESS, client));
  }

  /** Fails as not found (nothing changed) unless every id names a label. */
  public Future<Void> requireAll(List<String> labelIds) {
    return labels.existing(labelIds).compose(found -> found.containsAll(labelIds) ? Future.succeededFuture()
        : Future.failedFuture(notFound()));
  }

  /**
   * Assigns the labels to an object the caller found to exist; not found when a label is unknown or the object
   * was deleted meanwhile (whichever is gone is named). Audited per object.
   */
  public Future<Void> assign(Principal actor, LabelTarget target, String targetId, List<String> labelIds,
      ClientInfo client, Supplier<NotFound> targetGone) {
    return requireAll(labelIds)
        .compose(ignored -> labels.assign(target, targetId, labelIds, MAX_PER_OBJECT)
            .recover(e -> !ForeignKeyViolation.in(e) ? Future.failedFuture(e)
                : requireAll(labelIds).compose(labelsThere -> Future.failedFuture(targetGone.get()))))
        .compose(assigned -> assigned ? Future.succeededFuture() : Future.failedFuture(new Conflict("label_limit",
            target.anyOne + " carries at most " + MAX_PER_OBJECT + " labels; remove some first")))
        .compose(ignored -> audit.record(target.auditType + ".labels.assign", actor, target.auditType, targetId,
            AuditLog.SUCCESS, client));
  }

  /**
   * Fails with a conflict, naming the first of the objects that would carry more than {@link #MAX_PER_OBJECT}
   * labels with these assigned, before a bulk assignment changes anything. {@link #assign} checks each again.
   */
  public Future<Void> requireRoom(LabelTarget target, List<String> targetIds, List<String> labelIds) {
    return labels.labelIdsOf(target, targetIds).compose(carried -> {
      for (String id : targetIds) {
        Set<String> after = new HashSet<>(carried.getOrDefault(id, Set.of()));
        after.addAll(labelIds);
        if (after.size() > MAX_PER_OBJECT) {
          return Future.failedFuture(new Conflict("label_limit", target.named + " " + id + " would carry more than "
              + MAX_PER_OBJECT + " labels; remove some first"));
        }
      }
      return Future.succeededFuture();
    });
  }

  /** Removes the labels from an object the caller found to exist; not found when a label is unknown. */
  public Future<Void> remove(Principal actor, LabelTarget target, String targetId, List<String> labelIds,
      ClientInfo client) {
    return requireAll(labelIds)
        .compose(ignored -> labels.remove(target, targetId, labelIds))
        .compose(ignored -> audit.record(target.auditType + ".labels.remove", actor, target.auditType, targetId,
            AuditLog.SUCCESS, client));
  }

  /** The {@code "labels"} of each object's record ({@code [{"id","name","color"}]}, by name); absent: none. */
  public Future<Map<String, JsonArray>> referencesOf(LabelTarget target, List<String> targetIds) {
    return labels.labelsOf(target, targetIds).map(byTarget -> {
      Map<String, JsonArray> references = new java.util.HashMap<>();
      byTarget.forEach((id, list) -> {
        JsonArray array = new JsonArray();
        list.forEach(label -> array.add(label.toReference()));
        references.put(id, array);
      });
      return references;
    });
  }

  private static NotFound notFound() {
    return new NotFound("Label not found");
  }
}
