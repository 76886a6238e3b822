// One agent: its record, its labels (assign and remove), its latest heartbeat (statistics, configurations, logs by
// severity with the truncation marks) and delete.
import { api } from '../api.js';
import { append, h, field, messageBox, replace, select, showMessage, table, isolate } from '../dom.js';
import { confirmAction } from '../dialogs.js';
import { agentStatus, ago, dateTime, duration } from '../format.js';
import { labelEditor, loadLabels } from '../labels.js';

const LEVELS = ['ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE'];

function fact(name, ...value) {
  return [h('dt', null, name), h('dd', null, ...value)];
}

function valueText(value) {
  return value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export function render(main, ctx) {
  const id = ctx.param;
  const box = messageBox('agent-message');
  const record = h('section', { id: 'agent-record' }, h('p', { 'aria-busy': 'true' }, 'Loading…'));
  const labels = h('section', { id: 'agent-labels-section' });
  const latest = h('section', { id: 'agent-heartbeat' });
  replace(main,
    h('p', null, h('a', { href: '#/agents' }, '← Agents')),
    h('div', { class: 'heading' }, h('h2', { id: 'agent-title' }, 'Agent ', isolate(id)),
      ctx.can('agents:delete') ? h('button', { type: 'button', class: 'danger', id: 'agent-delete', onclick: remove },
        'Delete agent') : null),
    box, record, labels, latest);

  async function load() {
    try {
      const agent = await api('GET', `/api/agents/${encodeURIComponent(id)}`);
      let rule = null;
      if (ctx.can('reporting-rules:read') && agent.reportingRuleId) {
        rule = await api('GET', `/api/reporting-rules/${encodeURIComponent(agent.reportingRuleId)}`).catch(() => null);
      }
      replace(record, h('dl', { class: 'facts' },
        fact('Hostname', agent.hostname ? isolate(agent.hostname) : '—'),
        fact('IP', agent.ip || '—'),
        fact('Status', h('span', { class: `badge ${agent.status}` }, agentStatus(agent.status)),
          agent.reportedStatus && agent.status === 'not_reporting'
            ? [' (last reported ', isolate(agent.reportedStatus), ')'] : ''),
        fact('Telegraf version', agent.version || '—'),
        fact('First seen', dateTime(agent.firstSeen)),
        fact('Last seen', `${dateTime(agent.lastSeen)} (${ago(agent.lastSeen)})`),
        fact('Heartbeats', String(agent.heartbeats)),
        fact('Reporting rule', rule
          ? [isolate(rule.name), ` (not reporting after ${duration(rule.notReportingAfterSeconds)})`] : 'Default')));
      showLabels(agent);
    } catch (error) {
      replace(record, h('p', { class: 'message error', role: 'alert' }, error.status === 404
        ? 'No such agent (it may have been deleted).' : error.message));
      return;
    }
    if (ctx.can('heartbeat:read')) {
      loadHeartbeat();
    }
  }

  async function showLabels(agent) {
    const canEdit = ctx.can('agents:write') && ctx.can('labels:read');
    const path = (labelId) => `/api/agents/${encodeURIComponent(id)}/labels/${encodeURIComponent(labelId)}`;
    let all = [];
    if (canEdit) {
      all = await loadLabels().catch((error) => {
        showMessage(box, 'error', error.message);
        return [];
      });
    }
    replace(labels, h('h3', null, 'Labels'), labelEditor({ id: 'agent-labels', current: agent.labels, all, canEdit,
      assign: async (labelId) => (await api('PUT', path(labelId))).labels,
      remove: async (labelId) => (await api('DELETE', path(labelId))).labels,
      fail: (error) => showMessage(box, 'error', error.message) }));
  }

  async function loadHeartbeat() {
    let heartbeat;
    try {
      heartbeat = await api('GET', `/api/heartbeat/agent/${encodeURIComponent(id)}/latest-heartbeat`);
    } catch (error) {
      replace(latest, h('p', { class: 'muted' }, error.status === 404 ? 'No heartbeat stored.' : error.message));
      return;
    }
    const statistics = Object.entries(heartbeat.statistics || {});
    const configurations = heartbeat.configurations || [];
    replace(latest,
      h('h3', null, 'Latest heartbeat'),
      h('p', { class: 'muted' }, `Received ${dateTime(heartbeat.receivedAt)}`,
        heartbeat.status ? [' · reported status ', isolate(heartbeat.status)] : ''),
      h('h4', null, 'Statistics'),
      statistics.length ? table('Statistics', ['Statistic', 'Value'], statistics.map(([name, value]) => h('tr', null,
        h('td', null, name), h('td', null, valueText(value)))), { id: 'agent-statistics' })
        : h('p', { class: 'muted' }, 'None sent (include "statistics" in the heartbeat plugin).'),
      h('h4', null, 'Configurations'),
      configurations.length ? h('ul', { id: 'agent-configurations' }, ...configurations.map((c) => h('li', null,
        h('code', null, valueText(c))))) : h('p', { class: 'muted' }, 'None sent.'),
      logs(heartbeat));
  }

  function logs(heartbeat) {
    const entries = heartbeat.logs || [];
    const section = h('section', { id: 'agent-logs' }, h('h4', null, 'Logs'));
    if (!heartbeat.logs) {
      append(section, [h('p', { class: 'muted' }, 'None sent (include "logs" in the heartbeat plugin).')]);
      return section;
    }
    const counts = new Map();
    entries.forEach((e) => counts.set(String(e.level), (counts.get(String(e.level)) || 0) + 1));
    const levels = [...new Set([...LEVELS.filter((l) => counts.has(l)), ...counts.keys()])];
    const list = h('div');
    const level = select({ id: 'log-level', onchange: show }, [['', `All (${entries.length})`],
      ...levels.map((l) => [l, `${l} (${counts.get(l)})`])], '');
    function show() {
      const shown = entries.filter((e) => !level.value || String(e.level) === level.value);
      replace(list, shown.length ? table('Log entries', ['Time', 'Level', 'Source', 'Message'], shown.map((e) => h('tr',
        null,
        h('td', null, dateTime(e.time)),
        h('td', null, String(e.level)),
        h('td', null, e.source === undefined ? '—' : valueText(e.source)),
        h('td', null, valueText(e.message === undefined ? '' : e.message),
          e.truncated ? [' ', h('span', { class: 'truncated' }, '[cut by the gateway\'s size limit]')] : null))),
      { id: 'agent-log-table' }) : h('p', { class: 'muted' }, 'No log entries.'));
    }
    // dom.js's append, not Element.append: that one writes a null (no logsDropped) as the text "null".
    append(section, [
      h('p', null, levels.length ? levels.map((l) => h('span', { class: 'perm' }, `${l}: ${counts.get(l)}`))
        : 'No log entries.'),
      heartbeat.logsDropped ? h('p', { class: 'message warning', id: 'logs-dropped' },
        `${heartbeat.logsDropped} more entries were dropped by the gateway's limits.`) : null,
      h('div', { class: 'toolbar' }, field('Severity', level)),
      list]);
    show();
    return section;
  }

  async function remove() {
    const ok = await confirmAction('Delete agent', ['Delete agent “', isolate(id), '” and its heartbeats? It '
      + 'reappears if it reports again.'], 'Delete');
    if (!ok) {
      return;
    }
    try {
      await api('DELETE', `/api/agents/${encodeURIComponent(id)}`);
      ctx.notify(['Deleted agent ', isolate(id), '.']);
      location.hash = '#/agents';
    } catch (error) {
      showMessage(box, 'error', error.message);
    }
  }

  load();
  return null;
}
