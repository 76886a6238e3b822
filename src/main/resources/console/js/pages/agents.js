// Agents: the fleet summary and a table with status and label filters, search, sort and cursor paging that
// refreshes itself in place (same filter, same page, same focus, same selection) while the operator reads it; the
// selected agents get a label assigned or removed in bulk.
import { api, query } from '../api.js';
import { h, field, messageBox, replace, select, showMessage, clearMessage, table, isolate } from '../dom.js';
import { bulkResults } from '../bulk.js';
import { AGENT_STATUS, agentStatus, ago, dateTime } from '../format.js';
import { labelChips, labelFilter, loadLabels } from '../labels.js';
import { PAGE_SIZE, cursorPages } from '../paging.js';

const REFRESH_MS = 15000;
const BUCKETS = [['lt5m', 'Under 5 minutes'], ['lt30m', 'Under 30 minutes'], ['lt1h', 'Under 1 hour'],
  ['lt12h', 'Under 12 hours'], ['lt24h', 'Under 24 hours'], ['older', 'Older']];

/** Where the operator is, kept across visits of the page within this tab (never the URL: it is not a secret, but
 * a shared link should open on the first page). */
const place = { status: '', labels: [], search: '', sortBy: 'id', sortOrder: 'asc', cursors: [''] };

export function render(main, ctx) {
  const readsLabels = ctx.can('labels:read');
  const labelsAgents = readsLabels && ctx.can('agents:write');
  const box = messageBox('agents-message');
  const selected = new Set();
  let labels = [];
  const filterByLabel = h('div', { id: 'agents-label-filter' });
  const bulkLabel = select({ id: 'bulk-label', 'aria-label': 'Label for the selected agents' },
    [['', 'Choose a label…']], '');
  const selectedCount = h('span', { class: 'muted', 'aria-live': 'polite' }, 'None selected');
  const results = h('div', { id: 'bulk-results' });
  const bulk = labelsAgents ? h('div', { class: 'toolbar', id: 'bulk-actions', role: 'toolbar',
    'aria-label': 'Selected agents' }, selectedCount, bulkLabel,
  h('button', { type: 'button', class: 'secondary small', id: 'bulk-assign', onclick: () => bulkLabels('assign') },
    'Assign label'),
  h('button', { type: 'button', class: 'secondary small', id: 'bulk-remove', onclick: () => bulkLabels('remove') },
    'Remove label'),
  h('button', { type: 'button', class: 'secondary small', id: 'bulk-clear', onclick: () => {
    selected.clear();
    rows.querySelectorAll('input[type=checkbox]').forEach((one) => { one.checked = false; });
    updateSelection();
  } }, 'Clear selection')) : null;
  const summary = h('section', { class: 'cards', id: 'agents-summary', 'aria-label': 'Fleet summary' });
  const rows = h('div', { id: 'agents-list' });
  const updated = h('span', { class: 'muted', id: 'agents-updated' });
  const status = select({ id: 'filter-status', onchange: () => restart({ status: status.value }) },
    [['', 'All'], ...AGENT_STATUS], place.status);
  const searchSoon = () => {
    clearTimeout(search.timer);
    search.timer = setTimeout(() => {
      if (search.value.trim() !== place.search) {
        restart({ search: search.value.trim() });
      }
    }, 300);
  };
  const search = h('input', { id: 'agent-search', type: 'search', value: place.search, maxlength: 255,
    placeholder: 'ID, hostname or IP', oninput: searchSoon, onchange: searchSoon });
  const sortBy = select({ id: 'sort-by', onchange: () => restart({ sortBy: sortBy.value }) },
    [['id', 'Agent ID'], ['hostname', 'Hostname'], ['lastSeen', 'Last seen'], ['status', 'Status']], place.sortBy);
  const sortOrder = select({ id: 'sort-order', onchange: () => restart({ sortOrder: sortOrder.value }) },
    [['asc', 'Ascending'], ['desc', 'Descending']], place.sortOrder);
  const pages = cursorPages('agents', 'Agent', () => load(true), place.cursors);

  replace(main,
    h('div', { class: 'heading' }, h('h2', null, 'Agents'), updated),
    box,
    summary,
    h('div', { class: 'toolbar', role: 'search' }, field('Status', status), field('Search', search),
      field('Sort by', sortBy), field('Order', sortOrder), readsLabels ? filterByLabel : null),
    bulk,
    results,
    rows,
    pages.element);

  function restart(change) {
    Object.assign(place, change);
    pages.first();
    selected.clear(); // what another filter selected is not what this one shows
    updateSelection();
    load(true);
  }

  function showLabelFilter() {
    replace(filterByLabel, labelFilter('filter-label', labels, place.labels, (chosen) => {
      restart({ labels: chosen });
      showLabelFilter();
    }));
  }

  async function loadLabelChoices() {
    try {
      labels = await loadLabels();
    } catch (error) {
      showMessage(box, 'error', error.message);
    }
    showLabelFilter();
    replace(bulkLabel, h('option', { value: '' }, 'Choose a label…'),
      ...labels.map((label) => h('option', { value: label.id }, label.name)));
  }

  function updateSelection() {
    if (!bulk) {
      return;
    }
    selectedCount.textContent = selected.size ? `${selected.size} selected` : 'None selected';
    bulk.querySelectorAll('button').forEach((button) => { button.disabled = selected.size === 0; });
  }

  async function bulkLabels(action) {
    clearMessage(box);
    if (!bulkLabel.value) {
      showMessage(box, 'error', 'Choose the label to assign or remove.');
      return;
    }
    const label = labels.find((l) => l.id === bulkLabel.value);
    try {
      const answer = await api('PUT', `/api/agents/bulk/labels/${action}`, { ids: [...selected],
        labelIds: [bulkLabel.value] });
      const title = [`${action === 'assign' ? 'Assign' : 'Remove'} “`, isolate(label ? label.name : ''), '”'];
      replace(results, bulkResults(title, 'Agent', answer.results, (id) => id));
      selected.clear();
      updateSelection();
    } catch (error) {
      showMessage(box, 'error', error.message);
    }
    await load();
  }

  function checkbox(agent) {
    return h('input', { type: 'checkbox', class: 'agent-select', 'aria-label': `Select ${agent.id}`,
      checked: selected.has(agent.id), dataset: { agentId: agent.id }, onchange: (event) => {
        if (event.target.checked) {
          selected.add(agent.id);
        } else {
          selected.delete(agent.id);
        }
        updateSelection();
      } });
  }

  function selectPage(page) {
    return h('input', { type: 'checkbox', 'aria-label': 'Select every agent on this page',
      checked: page.length > 0 && page.every((agent) => selected.has(agent.id)), onchange: (event) => {
        page.forEach((agent) => (event.target.checked ? selected.add(agent.id) : selected.delete(agent.id)));
        rows.querySelectorAll('input.agent-select').forEach((one) => { one.checked = event.target.checked; });
        updateSelection();
      } });
  }

  // What is on screen, as the API said it: a refresh that brings nothing new leaves the page alone, so nothing the
  // operator is reading or about to click is replaced under them.
  let shownSummary = null;
  let shownPage = null;

  async function loadSummary() {
    const s = await api('GET', `/api/agents/summary${query({ label: place.labels })}`);
    const text = JSON.stringify(s);
    if (text === shownSummary) {
      return;
    }
    shownSummary = text;
    const statusItems = AGENT_STATUS.map(([value, text]) => h('li', null, h('span', null, text),
      h('strong', { dataset: { status: value } }, String((s.status && s.status[value]) || 0))));
    const versions = (s.telegrafVersion || []).slice(0, 8).map((v) => h('li', null, h('span', null, v.version || '—'),
      h('strong', null, String(v.count))));
    replace(summary,
      h('article', null, h('h3', null, 'Agents'), h('div', { class: 'big', id: 'agents-total' }, String(s.total))),
      h('article', null, h('h3', null, 'Status'), h('ul', null, ...statusItems)),
      h('article', null, h('h3', null, 'Telegraf versions'),
        versions.length ? h('ul', null, ...versions) : h('p', { class: 'muted' }, 'No agents yet')),
      h('article', null, h('h3', null, 'Last reported'), h('ul', null, ...BUCKETS.map(([key, text]) => h('li', null,
        h('span', null, text), h('strong', null, String((s.lastReported && s.lastReported[key]) || 0)))))));
  }

  async function loadPage(moveFocus, loading) {
    const answer = await api('GET', `/api/agents${query({ status: place.status, label: place.labels,
      search: place.search, sortBy: place.sortBy, sortOrder: place.sortOrder, limit: PAGE_SIZE, cursor: pages.cursor() })}`);
    if (loading !== loads) {
      return undefined; // a later load (another filter, or the refresh) answers instead
    }
    if (answer.agents.length === 0 && pages.back()) {
      // The page emptied under us (agents deleted): step back rather than show nothing.
      return loadPage(moveFocus, loading);
    }
    const text = JSON.stringify(answer);
    if (text === shownPage && !moveFocus) {
      rows.querySelectorAll('td.seen').forEach((cell) => { cell.textContent = ago(cell.dataset.seen); });
      return undefined;
    }
    shownPage = text;
    const focused = document.activeElement && rows.contains(document.activeElement)
      ? document.activeElement : null;
    const body = answer.agents.map((agent) => h('tr', { dataset: { agentId: agent.id } },
      labelsAgents ? h('td', null, checkbox(agent)) : null,
      h('td', null, h('a', { href: `#/agents/${encodeURIComponent(agent.id)}`, class: 'agent-link',
        dataset: { agentId: agent.id } }, isolate(agent.id))),
      h('td', null, agent.hostname ? isolate(agent.hostname) : '—'),
      h('td', null, h('span', { class: `badge ${agent.status}` }, agentStatus(agent.status))),
      h('td', { class: 'labels' }, labelChips(agent.labels)),
      h('td', null, agent.version ? isolate(agent.version) : '—'),
      h('td', null, agent.ip || '—'),
      h('td', { class: 'seen', title: dateTime(agent.lastSeen), dataset: { seen: agent.lastSeen } }, ago(agent.lastSeen)),
      h('td', null, String(agent.heartbeats))));
    const headers = ['Agent ID', 'Hostname', 'Status', 'Labels', 'Version', 'IP', 'Last seen', 'Heartbeats'];
    if (labelsAgents) {
      headers.unshift(selectPage(answer.agents));
    }
    replace(rows, body.length ? table('Agents', headers, body, { id: 'agents-table' })
      : h('p', { class: 'muted', id: 'agents-empty' }, place.status || place.search || place.labels.length
        ? 'No agent matches.' : 'No agent has reported yet. Agents appear here after their first heartbeat.'));
    if (focused && focused.dataset.agentId !== undefined) {
      const again = [...rows.querySelectorAll(`${focused.tagName}[data-agent-id]`)]
        .find((element) => element.dataset.agentId === focused.dataset.agentId);
      if (again) {
        again.focus();
      }
    }
    pages.shown(answer.nextCursor);
    if (moveFocus) {
      rows.scrollIntoView({ block: 'nearest' });
    }
  }

  let loads = 0;

  async function load(moveFocus = false) {
    loads += 1;
    const loading = loads;
    try {
      await Promise.all([loadSummary(), loadPage(moveFocus, loading)]);
      clearMessage(box);
      updated.textContent = `Updated ${new Date().toLocaleTimeString()} · refreshes every ${REFRESH_MS / 1000} s`;
    } catch (error) {
      if (loading !== loads) {
        return; // a later load answers instead
      }
      if (error.status === 400 && pages.cursor()) {
        pages.first(); // a cursor the API no longer takes (a newer gateway's): start again
        await load(true);
        return;
      }
      pages.failed();
      showMessage(box, 'error', error.message);
    }
  }

  if (readsLabels) {
    loadLabelChoices();
  }
  updateSelection();
  load();
  const timer = setInterval(() => {
    if (!document.hidden) {
      load();
    }
  }, REFRESH_MS);
  return () => {
    clearInterval(timer);
    clearTimeout(search.timer);
  };
}
