// A config's versions: the history (newest first), one version's TOML, the unified diff between two, rollback to
// one (with an optional note) and pruning the oldest. The history is read from the API 50 versions a page: a config
// edited every minute has half a million in a year.
import { api, query } from '../api.js';
import { h, field, messageBox, replace, showMessage, clearMessage, table } from '../dom.js';
import { confirmAction, openDialog, dialogId } from '../dialogs.js';
import { dateTime } from '../format.js';
import { serverList } from '../paging.js';

/** How a version's author reads: their name and how they signed in, or "unknown". */
function author(version) {
  const a = version.author;
  if (!a) {
    return h('span', { class: 'muted' }, 'unknown');
  }
  return [a.name || a.id, h('span', { class: 'muted' }, a.type === 'token' ? ' (API token)' : '')];
}

/** The class of a unified diff's line: file header, hunk header, added, removed or context. */
function diffClass(line) {
  if (line.startsWith('+++') || line.startsWith('---')) {
    return 'diff-file';
  }
  if (line.startsWith('@@')) {
    return 'diff-hunk';
  }
  if (line.startsWith('+')) {
    return 'diff-add';
  }
  return line.startsWith('-') ? 'diff-del' : 'diff-context';
}

/**
 * The versions section of config configId. box shows what happened; restored(version) runs after a rollback made
 * that new version (the page then shows the new current TOML).
 */
export function versionsSection(ctx, configId, box, restored) {
  const base = `/api/configs/${encodeURIComponent(configId)}/versions`;
  const canWrite = ctx.can('configs:write');
  const canDelete = ctx.can('configs:delete');
  const from = h('input', { id: 'diff-from', type: 'number', min: 1, step: 1, required: true });
  const to = h('input', { id: 'diff-to', type: 'number', min: 1, step: 1, required: true });
  /** The newest version, read with the first page (versions come newest first). */
  let current = null;
  /** Whether the diff's numbers are to be set from the next first page (not when the operator pages back to it). */
  let freshDiff = true;
  const list = serverList({
    id: 'versions',
    label: 'Version',
    field: 'versions',
    fetch: (limit, cursor) => api('GET', `${base}${query({ limit, cursor })}`),
    render: versionsTable,
    onPage: (answer, cursor) => {
      if (!cursor && freshDiff && answer.versions.length) {
        freshDiff = false;
        from.value = String(answer.versions.length > 1 ? answer.versions[1].version : current);
        to.value = String(current);
      }
    },
    onError: (error) => showMessage(box, 'error', error.message),
  });
  const diff = h('div', { id: 'version-diff-area' });
  const keep = h('input', { id: 'prune-keep', type: 'number', min: 1, step: 1, value: '10', required: true });
  const element = h('section', { id: 'config-versions' },
    h('h3', null, 'Versions'),
    h('p', { class: 'muted' }, 'Every change of the TOML is kept as a version: a save, a rollback, the creation.'),
    list.element,
    h('h4', null, 'Compare two versions'),
    h('form', { class: 'toolbar', id: 'diff-form', onsubmit: (event) => {
      event.preventDefault();
      showDiff();
    } }, field('From', from), field('To', to), h('button', { type: 'submit', id: 'diff-show' }, 'Show diff')),
    diff,
    canDelete ? [h('h4', null, 'Delete old versions'),
      h('form', { class: 'toolbar', id: 'prune-form', onsubmit: (event) => {
        event.preventDefault();
        prune();
      } }, field('Keep the newest', keep), h('button', { type: 'submit', class: 'secondary', id: 'prune' },
        'Delete older versions'))] : null);

  /** The table of a page of versions; the first page (no cursor) tells which version is the current one. */
  function versionsTable(versions, cursor) {
    if (!cursor && versions.length) {
      current = versions[0].version;
    }
    return table('Versions', ['Version', 'Time', 'Author', 'Note', 'Actions'], versions.map((v) => h('tr', {
      class: v.version === current ? 'current' : null, dataset: { version: String(v.version) } },
    h('td', null, String(v.version), v.version === current ? [' ', h('span', { class: 'badge ok' }, 'current')] : null),
    h('td', null, dateTime(v.createdAt)),
    h('td', null, author(v)),
    h('td', { class: 'version-note' }, v.note || '—'),
    h('td', null, h('div', { class: 'row-actions' },
      h('button', { type: 'button', class: 'secondary', 'data-action': 'view', onclick: () => view(v.version) },
        'View'),
      canWrite && v.version !== current ? h('button', { type: 'button', class: 'secondary', 'data-action': 'rollback',
        onclick: () => rollback(v.version) }, 'Roll back to this') : null)))), { id: 'versions-table' });
  }

  /** The newest versions again (after a save, a rollback or a prune), the diff's numbers set from them. */
  function reload() {
    freshDiff = true;
    return list.restart();
  }

  async function view(n) {
    try {
      const version = await api('GET', `${base}/${n}`);
      const id = dialogId('version');
      const dialog = openDialog(id, [
        h('header', null, h('h3', { id }, `Version ${version.version}`)),
        h('p', { class: 'muted' }, dateTime(version.createdAt), ' · ', author(version),
          version.note ? ` · ${version.note}` : ''),
        h('pre', { class: 'code', id: 'version-toml' }, h('code', null, version.toml)),
        h('footer', null, h('button', { type: 'button', class: 'secondary', id: 'version-close',
          onclick: () => dialog.close() }, 'Close'))]);
    } catch (error) {
      showMessage(box, 'error', error.message);
    }
  }

  async function showDiff() {
    try {
      const text = await api('GET', `${base}/${from.value}/diff/${to.value}`, undefined, { text: true });
      const lines = text.split('\n');
      if (lines[lines.length - 1] === '') {
        lines.pop();
      }
      replace(diff, lines.length
        ? h('pre', { class: 'diff', id: 'version-diff', 'aria-label': `Changes from version ${from.value} to version `
          + `${to.value}` }, ...lines.map((line) => h('span', { class: diffClass(line) }, line)))
        : h('p', { class: 'muted', id: 'version-diff-none' }, 'No differences.'));
    } catch (error) {
      replace(diff, h('p', { class: 'message error', role: 'alert' }, error.message));
    }
  }

  function rollback(n) {
    const id = dialogId('rollback');
    const note = h('input', { id: 'rollback-note', maxlength: 1000, placeholder: `Restores version ${n}` });
    const dialogBox = messageBox('rollback-message');
    const form = h('form', { onsubmit: async (event) => {
      event.preventDefault();
      clearMessage(dialogBox);
      try {
        const made = await api('POST', `${base}/${n}/rollback`, note.value ? { note: note.value } : undefined);
        dialog.close();
        await restored(made);
        showMessage(box, 'success', `Rolled back to version ${n}: the TOML is now version ${made.version}.`);
      } catch (error) {
        showMessage(dialogBox, 'error', error.message);
      }
    } },
    h('p', null, `The TOML of version ${n} becomes the config's TOML again, as a new version. Agents watching the `
      + 'config fetch it.'),
    field('Note (optional)', note),
    dialogBox,
    h('footer', null, h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel'), ' ',
      h('button', { type: 'submit', 'data-confirm': '' }, 'Roll back')));
    const dialog = openDialog(id, [h('header', null, h('h3', { id }, `Roll back to version ${n}`)), form]);
    note.focus();
  }

  async function prune() {
    const n = Number(keep.value);
    if (!Number.isInteger(n) || n < 1) {
      showMessage(box, 'error', 'Keep at least the newest version: give a whole number from 1.');
      return;
    }
    const ok = await confirmAction('Delete old versions', `Keep the newest ${n} version(s) and delete the older ones? `
      + 'Deleted versions cannot be viewed or restored.', 'Delete');
    if (!ok) {
      return;
    }
    try {
      const answer = await api('DELETE', `${base}?keepLatest=${n}`);
      showMessage(box, 'success', `Deleted ${answer.deleted} old version(s).`);
    } catch (error) {
      showMessage(box, 'error', error.message);
    }
    await reload();
  }

  reload();
  return { element, reload };
}
