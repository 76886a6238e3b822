// Audit: who did what, when, and whether it worked; by time range, then narrowed by actor and outcome.
import { api, query } from '../api.js';
import { h, field, messageBox, replace, select, showMessage, table, isolate } from '../dom.js';
import { dateTime } from '../format.js';

const LIMIT = 100;

function isoOrEmpty(localValue) {
  return localValue ? new Date(localValue).toISOString() : '';
}

export function render(main, ctx) {
  const box = messageBox('audit-message');
  const from = h('input', { id: 'audit-from', type: 'datetime-local' });
  const to = h('input', { id: 'audit-to', type: 'datetime-local' });
  const actor = h('input', { id: 'audit-actor', type: 'search', placeholder: 'username or id',
    oninput: () => show() });
  const outcome = select({ id: 'audit-outcome', onchange: () => show() },
    [['', 'All'], ['success', 'Success'], ['failure', 'Failure']], '');
  const list = h('div', { id: 'audit-list' });
  const older = h('button', { type: 'button', class: 'secondary', id: 'audit-older', hidden: true,
    onclick: () => fetchPage(true) }, 'Older events');
  const usernames = new Map();
  let events = [];
  let cursor = null;
  let range = {};

  replace(main, h('h2', null, 'Audit'),
    box,
    h('form', { class: 'toolbar', id: 'audit-form', onsubmit: (event) => { event.preventDefault(); fetchPage(false); } },
      field('From', from), field('To', to), field('Actor', actor), field('Outcome', outcome),
      h('button', { type: 'submit', id: 'audit-show' }, 'Show')),
    list,
    h('p', { class: 'pager' }, older));

  function actorName(event) {
    if (!event.actorId) {
      return event.actorType;
    }
    const name = usernames.get(event.actorId);
    return name ? `${name} (${event.actorType})` : `${event.actorType} ${event.actorId}`;
  }

  /** actorName as shown: the name or id isolated from the words around it. */
  function actorCell(event) {
    if (!event.actorId) {
      return event.actorType;
    }
    const name = usernames.get(event.actorId);
    return name ? [isolate(name), ` (${event.actorType})`] : [`${event.actorType} `, isolate(event.actorId)];
  }

  function show() {
    const who = actor.value.trim().toLowerCase();
    const shown = events.filter((e) => (!outcome.value || e.outcome === outcome.value)
      && (!who || actorName(e).toLowerCase().includes(who) || String(e.actorId || '').toLowerCase().includes(who)));
    replace(list, table('Audit events', ['Time', 'Action', 'Actor', 'Target', 'Outcome', 'Client'],
      shown.map((e) => h('tr', null,
        h('td', null, dateTime(e.at)),
        h('td', null, e.action),
        h('td', null, actorCell(e)),
        h('td', null, e.targetType, e.targetType && e.targetId ? ' ' : null, e.targetId ? isolate(e.targetId) : null),
        h('td', null, h('span', { class: `badge ${e.outcome}` }, e.outcome)),
        h('td', null, e.clientIp || '—'))), { id: 'audit-table' }),
    h('p', { class: 'muted' }, `${shown.length} of ${events.length} events loaded`));
  }

  /**
   * The newest LIMIT events of the range; "Older events" continues where the API's cursor says (by time alone, the
   * events of one millisecond beyond a page would be skipped or repeated).
   */
  async function fetchPage(more) {
    if (!more) {
      // Older events continue the range shown, whatever the fields say meanwhile.
      events = [];
      cursor = null;
      range = { from: isoOrEmpty(from.value), to: isoOrEmpty(to.value) };
    }
    try {
      const answer = await api('GET', `/api/audit${query({ ...range, cursor, limit: LIMIT })}`);
      events = events.concat(answer.events);
      cursor = answer.nextCursor;
      older.hidden = !cursor;
      show();
    } catch (error) {
      showMessage(box, 'error', error.message);
    }
  }

  (ctx.can('users:read') ? api('GET', '/api/users').then(({ users }) => users.forEach((u) => usernames.set(u.id,
    u.username))).catch(() => {}) : Promise.resolve()).then(() => fetchPage(false));
  return null;
}
