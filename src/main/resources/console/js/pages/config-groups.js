// Config groups: the list (name, alias, member count), 50 a page read from the API, and a new group; a group's page
// edits its members.
import { api, query } from '../api.js';
import { h, field, messageBox, replace, showMessage, clearMessage, table } from '../dom.js';
import { ALIAS_HINT, aliasValue } from '../aliases.js';
import { dateTime } from '../format.js';
import { serverList } from '../paging.js';
import { showRefusal } from '../refusals.js';

export function render(main, ctx) {
  const box = messageBox('config-groups-message');
  const list = serverList({
    id: 'config-groups',
    label: 'Config group',
    field: 'configGroups',
    fetch: (limit, cursor) => api('GET', `/api/config-groups${query({ limit, cursor })}`),
    render: (page) => (page.length ? table('Config groups', ['Name', 'Alias', 'Members', 'Description', 'Updated'],
      page.map((g) => h('tr', { dataset: { groupId: g.id } },
        h('td', null, h('a', { href: `#/config-groups/${encodeURIComponent(g.id)}`, class: 'group-link' }, g.name)),
        h('td', { class: 'group-alias' }, g.alias ? h('code', null, g.alias) : '—'),
        h('td', { class: 'group-members' }, String(g.configIds.length)),
        h('td', null, g.description || '—'),
        h('td', null, dateTime(g.updatedAt)))), { id: 'config-groups-table' })
      : h('p', { class: 'muted', id: 'config-groups-empty' }, 'No config groups yet.')),
    onError: (error) => showMessage(box, 'error', error.message),
  });

  replace(main,
    h('div', { class: 'heading' }, h('h2', null, 'Config groups')),
    h('p', { class: 'muted' }, 'A group serves several configs, in order, as one document: an agent fetches the '
      + 'group\'s URL and gets every member\'s TOML. Open a group to choose and order its members.'),
    box,
    ctx.can('config-groups:write') ? createForm() : null,
    list.element);

  function createForm() {
    const name = h('input', { id: 'group-name', name: 'name', required: true, maxlength: 255 });
    const alias = h('input', { id: 'group-alias', name: 'alias', maxlength: 63, spellcheck: 'false',
      autocomplete: 'off' });
    const description = h('input', { id: 'group-description', name: 'description', maxlength: 4096 });
    const errors = messageBox('group-create-message');
    const submit = h('button', { type: 'submit', id: 'group-create' }, 'Create group');
    const form = h('form', { id: 'group-form', onsubmit: async (event) => {
      event.preventDefault();
      clearMessage(errors);
      submit.disabled = true;
      try {
        const group = await api('POST', '/api/config-groups', { name: name.value, alias: aliasValue(alias),
          description: description.value, configIds: [] });
        location.hash = `#/config-groups/${encodeURIComponent(group.id)}`;
      } catch (error) {
        showRefusal(errors, error);
      } finally {
        submit.disabled = false;
      }
    } },
    h('div', { class: 'grid' }, field('Name', name), field('Alias (optional)', alias, ALIAS_HINT)),
    field('Description (optional)', description),
    errors,
    submit);
    return h('details', { id: 'new-group' }, h('summary', { role: 'button', class: 'secondary' }, 'New config group'),
      form);
  }

  list.load();
  return null;
}
