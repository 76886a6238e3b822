// Configs: the list (filtered by labels), 50 a page read from the API, and a new config (optionally starting from
// the agent template).
import { api, query } from '../api.js';
import { h, field, messageBox, replace, showMessage, clearMessage, table } from '../dom.js';
import { ALIAS_HINT, aliasValue } from '../aliases.js';
import { dateTime } from '../format.js';
import { labelChips, labelFilter, loadLabels } from '../labels.js';
import { serverList } from '../paging.js';
import { tomlError } from './toml-error.js';

/** The label filter and the page, kept across visits of the page within this tab, as the agents' are. */
const place = { labels: [], cursors: [''] };

export function render(main, ctx) {
  const box = messageBox('configs-message');
  const filterByLabel = h('div', { id: 'configs-label-filter', class: 'toolbar', role: 'search' });
  const list = serverList({
    id: 'configs',
    label: 'Config',
    field: 'configs',
    fetch: (limit, cursor) => api('GET', `/api/configs${query({ label: place.labels, limit, cursor })}`),
    onPage: () => clearMessage(box),
    onError: (error) => showMessage(box, 'error', error.message),
    cursors: place.cursors,
    render: (page) => (page.length ? table('Configs', ['Name', 'Alias', 'Description', 'Labels',
    'Version', 'TOML changed', 'Created'], page.map((c) => h('tr', { dataset: { configId: c.id } },
      h('td', null, h('a', { href: `#/configs/${encodeURIComponent(c.id)}`, class: 'config-link' }, c.name)),
      h('td', { class: 'config-alias' }, c.alias ? h('code', null, c.alias) : '—'),
      h('td', null, c.description || '—'),
      h('td', { class: 'labels' }, labelChips(c.labels)),
      h('td', null, String(c.version)),
      h('td', null, dateTime(c.tomlUpdatedAt)),
      h('td', null, dateTime(c.createdAt)))), { id: 'configs-table' })
    : h('p', { class: 'muted', id: 'configs-empty' }, place.labels.length ? 'No config matches.' : 'No configs yet.')),
  });
  const creating = ctx.can('configs:write') ? createForm() : null;

  replace(main,
    h('div', { class: 'heading' }, h('h2', null, 'Configs')),
    h('p', { class: 'muted' }, 'Agents fetch their configuration from the gateway. Open a config to edit it and to '
      + 'see the command that starts an agent with it.'),
    box,
    creating,
    ctx.can('labels:read') ? filterByLabel : null,
    list.element);

  function createForm() {
    const name = h('input', { id: 'config-name', name: 'name', required: true, maxlength: 255 });
    const alias = h('input', { id: 'config-alias', name: 'alias', maxlength: 63, spellcheck: 'false',
      autocomplete: 'off' });
    const description = h('input', { id: 'config-description', name: 'description', maxlength: 4096 });
    const template = h('input', { id: 'config-template', type: 'checkbox', role: 'switch', checked: true });
    const toml = h('textarea', { id: 'config-toml', class: 'toml', rows: 8, spellcheck: 'false',
      placeholder: '[[inputs.cpu]]' });
    const errors = messageBox('config-create-message');
    const submit = h('button', { type: 'submit', id: 'config-create' }, 'Create config');
    const form = h('form', { id: 'config-form', onsubmit: async (event) => {
      event.preventDefault();
      const body = { name: name.value, description: description.value, toml: toml.value };
      if (aliasValue(alias)) {
        body.alias = aliasValue(alias);
      }
      if (template.checked) {
        body.template = 'agent';
      }
      submit.disabled = true;
      try {
        const config = await api('POST', '/api/configs', body);
        location.hash = `#/configs/${encodeURIComponent(config.id)}`;
      } catch (error) {
        tomlError(errors, error, toml);
      } finally {
        submit.disabled = false;
      }
    } },
    h('div', { class: 'grid' }, field('Name', name), field('Alias (optional)', alias, ALIAS_HINT)),
    field('Description (optional)', description),
    h('label', null, template, ' Start from the agent template (an [[outputs.heartbeat]] block that reports to '
      + 'this gateway)'),
    field('TOML (optional)', toml),
    errors,
    submit);
    return h('details', { id: 'new-config' }, h('summary', { role: 'button', class: 'secondary' }, 'New config'),
      form);
  }

  async function showLabelFilter() {
    const labels = await loadLabels().catch((error) => {
      showMessage(box, 'error', error.message);
      return [];
    });
    const show = () => replace(filterByLabel, labelFilter('filter-label', labels, place.labels, (chosen) => {
      place.labels = chosen;
      show();
      list.restart();
    }));
    show();
  }

  if (ctx.can('labels:read')) {
    showLabelFilter();
  }
  list.load();
  return null;
}
