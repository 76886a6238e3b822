// Reporting rules: how long an agent may stay silent before it counts as not reporting (and, optionally, is
// deleted). One rule is the default, listed first; it cannot be deleted. The list is read from the API 50 a page.
import { api, query } from '../api.js';
import { h, field, messageBox, replace, showMessage, clearMessage, table, isolate } from '../dom.js';
import { confirmAction } from '../dialogs.js';
import { duration } from '../format.js';
import { serverList } from '../paging.js';

export function render(main, ctx) {
  const box = messageBox('rules-message');
  const canWrite = ctx.can('reporting-rules:write');
  const canDelete = ctx.can('reporting-rules:delete');
  const list = serverList({
    id: 'rules',
    label: 'Reporting rule',
    field: 'rules',
    fetch: (limit, cursor) => api('GET', `/api/reporting-rules${query({ limit, cursor })}`),
    render: (rules) => table('Reporting rules', ['Name', 'Not reporting after', 'Auto-delete after', 'Default',
      'Actions'], rules.map((rule) => h('tr', null,
      h('td', null, rule.name),
      h('td', null, duration(rule.notReportingAfterSeconds)),
      h('td', null, duration(rule.autoDeleteAfterSeconds)),
      h('td', null, rule.default ? h('span', { class: 'badge active' }, 'Default') : ''),
      h('td', null, h('div', { class: 'row-actions' },
        canWrite ? h('button', { type: 'button', class: 'secondary', onclick: () => edit(rule) }, 'Edit') : null,
        canDelete && !rule.default ? h('button', { type: 'button', class: 'secondary', onclick: () => remove(rule) },
          'Delete') : null)))), { id: 'rules-table' }),
    onError: (error) => showMessage(box, 'error', error.message),
  });
  let editing = null;

  const name = h('input', { id: 'rule-name', required: true, maxlength: 255 });
  const after = h('input', { id: 'rule-not-reporting', type: 'number', min: 1, required: true, value: '180' });
  const autoDelete = h('input', { id: 'rule-auto-delete', type: 'number', min: 1 });
  const isDefault = h('input', { id: 'rule-default', type: 'checkbox', role: 'switch' });
  const formTitle = h('h3', null, 'New reporting rule');
  const submit = h('button', { type: 'submit', id: 'rule-save' }, 'Create rule');
  const cancel = h('button', { type: 'button', class: 'secondary', hidden: true, onclick: () => edit(null) },
    'Cancel editing');
  const form = canWrite ? h('form', { id: 'rule-form', onsubmit: save }, formTitle,
    h('div', { class: 'grid' },
      field('Name', name),
      field('Not reporting after (seconds)', after),
      field('Auto-delete after (seconds, empty: never)', autoDelete)),
    h('label', null, isDefault, ' Default rule (for agents without one)'),
    h('p', null, submit, ' ', cancel)) : null;

  replace(main, h('h2', null, 'Reporting rules'),
    h('p', { class: 'muted' }, 'An agent counts as not reporting once its last heartbeat is older than its rule '
      + 'allows. Agents without a rule, and those of a deleted rule, follow the default rule.'),
    box, list.element, form);

  function edit(rule) {
    editing = rule;
    replace(formTitle, rule ? ['Edit “', isolate(rule.name), '”'] : 'New reporting rule');
    submit.textContent = rule ? 'Save rule' : 'Create rule';
    cancel.hidden = !rule;
    name.value = rule ? rule.name : '';
    after.value = rule ? String(rule.notReportingAfterSeconds) : '180';
    autoDelete.value = rule && rule.autoDeleteAfterSeconds ? String(rule.autoDeleteAfterSeconds) : '';
    isDefault.checked = rule ? rule.default : false;
    if (rule) {
      name.focus();
    }
  }

  async function save(event) {
    event.preventDefault();
    clearMessage(box);
    const body = { name: name.value, notReportingAfterSeconds: Number(after.value),
      autoDeleteAfterSeconds: autoDelete.value ? Number(autoDelete.value) : null, default: isDefault.checked };
    try {
      if (editing) {
        await api('PATCH', `/api/reporting-rules/${encodeURIComponent(editing.id)}`, body);
      } else {
        await api('POST', '/api/reporting-rules', body);
      }
      showMessage(box, 'success', editing ? 'Saved.' : 'Created.');
      edit(null);
      await load();
    } catch (error) {
      showMessage(box, 'error', error.message);
    }
  }

  async function remove(rule) {
    if (!(await confirmAction('Delete reporting rule', ['Delete “', isolate(rule.name), '”? Its agents follow the '
      + 'default rule.'], 'Delete'))) {
      return;
    }
    try {
      await api('DELETE', `/api/reporting-rules/${encodeURIComponent(rule.id)}`);
      showMessage(box, 'success', ['Deleted “', isolate(rule.name), '”.']);
      await load();
    } catch (error) {
      showMessage(box, 'error', error.message);
    }
  }

  function load() {
    return list.load();
  }

  load();
  return null;
}
