package io.heartgate.labels;

import io.heartgate.core.Check;
import io.heartgate.core.Invalid;
import io.heartgate.store.Sql;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * {@code ?label=<id>}, repeatable: only the objects carrying every one of these labels. An unknown label id
 * matches nothing.
 */
public record LabelFilter(List<String> labelIds) {
  /** No filter. */
  public static final LabelFilter NONE = new LabelFilter(List.of());

  private static final String FIELD = "label";
  private static final int MAX_LABELS = 20;
  private static final int MAX_ID = 255;

  /** The query parameter's values (empty when absent); 400 naming {@code label} for an empty or long value. */
  public static LabelFilter parse(List<String> values) {
    if (values == null || values.isEmpty()) {
      return NONE;
    }
    LinkedHashSet<String> ids = new LinkedHashSet<>();
    for (String value : values) {
      Check.text(FIELD, value, Check.Text.required(MAX_ID));
      ids.add(value);
    }
    if (ids.size() > MAX_LABELS) {
      throw new Invalid(FIELD, "label may be given at most " + MAX_LABELS + " times");
    }
    return new LabelFilter(List.copyOf(ids));
  }

  /**
   * The SQL condition {@code AND <idColumn> IN (…objects carrying every label…)}, its values appended to
   * {@code params} (numbered after those already there); empty text when there is no filter.
   */
  public String sql(LabelTarget target, String idColumn, List<Object> params) {
    return labelIds.isEmpty() ? "" : " AND " + idColumn + " IN (" + carriers(target, params) + ")";
  }

  /**
   * The query of the ids (as {@code id}) of the objects carrying every label, its values appended to {@code params}
   * (numbered after those already there); there must be a label.
   */
  public String carriers(LabelTarget target, List<Object> params) {
    String sql = "SELECT " + target.column + " AS id FROM " + target.table + " WHERE label_id IN ("
        + Sql.placeholders(params.size() + 1, labelIds.size()) + ") GROUP BY " + target.column
        + " HAVING COUNT(*) = " + labelIds.size();
    params.addAll(labelIds);
    return sql;
  }
}
