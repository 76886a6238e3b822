// API Tokens: the list with its filters, a page at a time from the API (a fleet may hold a token per agent: a million
// do not fit a browser), Create Token, and revoke / reassign / delete, one at a time or in bulk.
import { api, query } from '../api.js';
import { h, field, messageBox, replace, select, showMessage, clearMessage, table, isolate } from '../dom.js';
import { confirmAction, openDialog, dialogId } from '../dialogs.js';
import { bulkResults } from '../bulk.js';
import { dateTime } from '../format.js';
import { managesAllTokens } from '../permissions.js';
import { serverList } from '../paging.js';
import { openCreateToken } from './token-create.js';

const SOURCE_TEXT = { api: 'API', bootstrap: 'Bootstrap (OWNER_TOKEN)', preshared: 'Pre-shared' };

/** A token's permissions; a long list folds after the first few so one token does not fill the screen. */
function permissionList(permissions) {
  const chip = (p) => h('span', { class: 'perm' }, p);
  if (!permissions.length) {
    return h('span', { class: 'muted' }, 'none');
  }
  if (permissions.length <= 6) {
    return permissions.map(chip);
  }
  return [...permissions.slice(0, 4).map(chip), h('details', { class: 'more' },
    h('summary', null, `${permissions.length - 4} more`), ...permissions.slice(4).map(chip))];
}

export function render(main, ctx) {
  const all = managesAllTokens(ctx.me.role);
  const canWrite = ctx.can('tokens:write');
  const canDelete = ctx.can('tokens:delete');
  const box = messageBox('tokens-message');
  const results = h('div', { id: 'bulk-results' });
  const selected = new Set();
  /** The names of the tokens shown so far, to name a selected one that is on another page. */
  const names = new Map();
  let users = [];

  const state = select({ id: 'filter-state', onchange: restart },
    [['', 'All'], ['active', 'Active'], ['revoked', 'Revoked']], '');
  const user = select({ id: 'filter-user', onchange: restart }, [['', 'All users']], '');
  const selectedCount = h('span', { class: 'muted', 'aria-live': 'polite' }, 'None selected');
  const bulk = h('div', { class: 'toolbar', id: 'bulk-actions', role: 'toolbar', 'aria-label': 'Selected tokens' },
    selectedCount,
    canWrite ? h('button', { type: 'button', class: 'secondary small', id: 'bulk-revoke', onclick: bulkRevoke },
      'Revoke selected') : null,
    canWrite && all ? h('button', { type: 'button', class: 'secondary small', id: 'bulk-reassign',
      onclick: () => reassign([...selected]) }, 'Reassign selected') : null,
    canDelete ? h('button', { type: 'button', class: 'secondary small', id: 'bulk-delete', onclick: bulkDelete },
      'Delete selected') : null);
  const list = serverList({
    id: 'tokens',
    label: 'Token',
    field: 'tokens',
    fetch: (limit, cursor) => api('GET', `/api/tokens${query({ state: state.value, userId: all ? user.value : '',
      limit, cursor })}`),
    render: (tokens) => (tokens.length ? renderRows(tokens) : h('p', { class: 'muted', id: 'tokens-empty' },
      state.value || user.value ? 'No token matches.' : 'No token yet.')),
    onPage: (answer) => {
      answer.tokens.forEach((t) => names.set(t.id, t.name));
      updateSelection();
    },
    onError: (error) => showMessage(box, 'error', error.message),
  });
  const load = () => list.load();

  replace(main,
    h('div', { class: 'heading' }, h('h2', null, 'API Tokens'),
      canWrite ? h('button', { type: 'button', id: 'create-token', onclick: () => openCreateToken(ctx.me, load) },
        'Create Token') : null),
    h('p', { class: 'muted' }, all
      ? 'Tokens of every user. A token never exceeds the permissions of the user it belongs to.'
      : 'Your tokens. A token never exceeds the permissions of your role.'),
    box,
    h('div', { class: 'toolbar' }, field('State', state), all ? field('User', user) : null),
    bulk,
    results,
    list.element);

  function updateSelection() {
    selectedCount.textContent = selected.size ? `${selected.size} selected` : 'None selected';
    for (const button of bulk.querySelectorAll('button')) {
      button.disabled = selected.size === 0;
    }
  }

  function renderRows(page) {
    const all_ = h('input', { type: 'checkbox', 'aria-label': 'Select every token on this page',
      checked: page.length > 0 && page.every((t) => selected.has(t.id)),
      onchange: (event) => {
        page.forEach((t) => (event.target.checked ? selected.add(t.id) : selected.delete(t.id)));
        list.redraw();
      } });
    const rows = page.map((token) => h('tr', { dataset: { tokenId: token.id } },
      h('td', null, h('input', { type: 'checkbox', 'aria-label': `Select ${token.name}`, checked: selected.has(token.id),
        onchange: (event) => {
          if (event.target.checked) {
            selected.add(token.id);
          } else {
            selected.delete(token.id);
          }
          updateSelection();
        } })),
      h('td', { class: 'token-name' }, isolate(token.name)),
      h('td', null, isolate(token.username || token.userId)),
      h('td', null, h('span', { class: `badge ${token.state}` }, token.state === 'active' ? 'Active' : 'Revoked'),
        token.expired ? [' ', h('span', { class: 'badge expired' }, 'Expired')] : null),
      h('td', { class: 'perms' }, permissionList(token.permissions)),
      h('td', null, dateTime(token.createdAt)),
      h('td', null, dateTime(token.expiresAt, 'Never')),
      h('td', null, dateTime(token.lastUsedAt, 'Never')),
      h('td', null, SOURCE_TEXT[token.source] || token.source),
      h('td', null, h('div', { class: 'row-actions' },
        canWrite && token.state === 'active' ? h('button', { type: 'button', class: 'secondary', 'data-action': 'revoke',
          onclick: () => revoke(token) }, 'Revoke') : null,
        canWrite && all ? h('button', { type: 'button', class: 'secondary', 'data-action': 'reassign',
          onclick: () => reassign([token.id]) }, 'Reassign') : null,
        canDelete ? h('button', { type: 'button', class: 'secondary', 'data-action': 'delete',
          onclick: () => remove(token) }, 'Delete') : null))));
    return table('API tokens', [all_, 'Description', 'Owner', 'State', 'Permissions', 'Created', 'Expires',
      'Last used', 'Source', 'Actions'], rows, { id: 'tokens-table' });
  }

  /** Another filter: its first page, and nothing selected (what another filter selected is not what this shows). */
  function restart() {
    selected.clear();
    list.restart();
  }

  async function loadUsers() {
    if (!all || !ctx.can('users:read')) {
      return;
    }
    try {
      users = (await api('GET', '/api/users')).users;
      const current = user.value;
      replace(user, h('option', { value: '' }, 'All users'),
        ...users.map((u) => h('option', { value: u.id, selected: u.id === current }, u.username)));
    } catch (error) {
      showMessage(box, 'error', error.message);
    }
  }

  function nameOf(id) {
    return names.get(id) || id;
  }

  async function revoke(token) {
    const ok = await confirmAction('Revoke token', ['Revoke “', isolate(token.name), '”? Revoking a token is '
      + 'irreversible: any agent or client using it immediately loses access. The record is kept for auditing.'],
    'Revoke');
    if (ok) {
      await act(() => api('POST', `/api/tokens/${encodeURIComponent(token.id)}/revoke`),
        ['Revoked “', isolate(token.name), '”.']);
    }
  }

  async function remove(token) {
    const ok = await confirmAction('Delete token', ['Permanently delete “', isolate(token.name), '”? Any agent or '
      + 'client using it loses access, and no record of it is kept.'], 'Delete');
    if (ok) {
      await act(() => api('DELETE', `/api/tokens/${encodeURIComponent(token.id)}`)
        .then(() => selected.delete(token.id)), ['Deleted “', isolate(token.name), '”.']);
    }
  }

  async function act(call, done) {
    clearMessage(box);
    results.replaceChildren();
    try {
      await call();
      showMessage(box, 'success', done);
    } catch (error) {
      showMessage(box, 'error', error.message);
    }
    await load();
  }

  async function bulkRevoke() {
    const ok = await confirmAction('Revoke tokens', `Revoke ${selected.size} token(s)? Revoking is irreversible: `
      + 'any agent or client using them immediately loses access.', 'Revoke');
    if (ok) {
      await runBulk('revoke', { ids: [...selected] }, 'Revoke');
    }
  }

  async function bulkDelete() {
    const ok = await confirmAction('Delete tokens', `Permanently delete ${selected.size} token(s)?`, 'Delete');
    if (ok) {
      await runBulk('delete', { ids: [...selected] }, 'Delete');
    }
  }

  /** Runs a bulk form and shows what happened to each token. */
  async function runBulk(action, body, title) {
    clearMessage(box);
    const names = new Map(body.ids.map((id) => [id, nameOf(id)]));
    try {
      const answer = await api('POST', `/api/tokens/bulk/${action}`, body);
      replace(results, bulkResults(title, 'Token', answer.results, (id) => names.get(id) || id));
      selected.clear();
    } catch (error) {
      showMessage(box, 'error', error.message);
    }
    await load();
  }

  /** Asks for the new owner (a user picker), then reassigns one token or the selected ones. */
  async function reassign(ids) {
    if (!users.length) {
      await loadUsers();
    }
    const id = dialogId('reassign');
    const picker = select({ id: 'reassign-user', required: true },
      [['', 'Choose a user…'], ...users.filter((u) => u.status === 'active').map((u) => [u.id, `${u.username} (${u.role})`])],
      '');
    const dialogBox = messageBox('reassign-message');
    const form = h('form', { onsubmit: async (event) => {
      event.preventDefault();
      if (!picker.value) {
        showMessage(dialogBox, 'error', 'Choose the user who will own the token.');
        return;
      }
      if (ids.length === 1) {
        try {
          await api('POST', `/api/tokens/${encodeURIComponent(ids[0])}/reassign`, { userId: picker.value });
          dialog.close();
          showMessage(box, 'success', ['Reassigned “', isolate(nameOf(ids[0])), '”.']);
          results.replaceChildren();
          await load();
        } catch (error) {
          showMessage(dialogBox, 'error', error.message);
        }
      } else {
        dialog.close();
        await runBulk('reassign', { ids, userId: picker.value }, 'Reassign');
      }
    } },
    field('New owner', picker, 'The token\'s permissions are narrowed to what the new owner\'s role grants.'),
    dialogBox,
    h('footer', null, h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel'), ' ',
      h('button', { type: 'submit', id: 'reassign-submit' }, 'Reassign')));
    const dialog = openDialog(id, [h('header', null, h('h3', { id },
      ids.length === 1 ? ['Reassign “', isolate(nameOf(ids[0])), '”'] : `Reassign ${ids.length} tokens`)), form]);
    picker.focus();
  }

  load();
  loadUsers();
  return null;
}
