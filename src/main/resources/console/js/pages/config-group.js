// One config group: its name, alias and description; its members in order (add from a picker, remove, move up or
// down; each change is saved at once, and a clash the gateway finds is shown in place, naming both configs); the
// rendered TOML as agents get it, with query parameters; its download URLs; and delete.
import { api } from '../api.js';
import { h, field, messageBox, replace, showMessage, clearMessage, isolate } from '../dom.js';
import { confirmAction } from '../dialogs.js';
import { ALIAS_HINT, aliasValue, shortUrl } from '../aliases.js';
import { dateTime } from '../format.js';
import { showRefusal } from '../refusals.js';

/** What the preview's parameters start at: the one every agent's URL carries. */
const DEFAULT_PARAMETERS = 'agent_id=agent-01';

export function render(main, ctx) {
  const id = ctx.param;
  const back = () => h('p', null, h('a', { href: '#/config-groups' }, '← Config groups'));
  const canWrite = ctx.can('config-groups:write');
  replace(main, back(), h('p', { 'aria-busy': 'true' }, 'Loading…'));

  async function load() {
    let group;
    let configs = [];
    try {
      [group, configs] = await Promise.all([api('GET', `/api/config-groups/${encodeURIComponent(id)}`),
        ctx.can('configs:read') ? api('GET', '/api/configs').then((answer) => answer.configs) : []]);
    } catch (error) {
      replace(main, back(), h('p', { class: 'message error', role: 'alert' },
        error.status === 404 ? 'No such config group.' : error.message));
      return;
    }
    const byId = new Map(configs.map((c) => [c.id, c]));
    const box = messageBox('config-group-message');
    const title = h('h2', { id: 'group-title' }, group.name);
    const updated = h('small', { class: 'muted', id: 'group-updated' });

    // Name, alias, description.
    const name = h('input', { id: 'group-name', value: group.name, required: true, maxlength: 255,
      readOnly: !canWrite });
    const alias = h('input', { id: 'group-alias', value: group.alias || '', maxlength: 63, spellcheck: 'false',
      autocomplete: 'off', readOnly: !canWrite });
    const description = h('input', { id: 'group-description', value: group.description || '', maxlength: 4096,
      readOnly: !canWrite });
    const save = h('button', { type: 'submit', id: 'group-save' }, 'Save');
    const form = h('form', { id: 'group-edit', onsubmit: async (event) => {
      event.preventDefault();
      clearMessage(box);
      const body = { name: name.value, description: description.value };
      if (aliasValue(alias) !== (group.alias || null)) {
        body.alias = aliasValue(alias);
      }
      save.disabled = true;
      try {
        show(await api('PATCH', `/api/config-groups/${encodeURIComponent(id)}`, body));
        showMessage(box, 'success', 'Saved.');
      } catch (error) {
        showRefusal(box, error);
      } finally {
        save.disabled = false;
      }
    } },
    h('div', { class: 'grid' }, field('Name', name), field('Alias', alias, canWrite ? ALIAS_HINT : null)),
    field('Description', description), updated,
    canWrite ? h('p', null, save) : null);

    // Members.
    const members = h('ol', { class: 'members', id: 'group-members-list' });
    const membersBox = messageBox('group-members-message');
    const picker = h('select', { id: 'group-add-config', 'aria-label': 'Config to add' });
    const add = h('button', { type: 'button', class: 'secondary', id: 'group-add', onclick: () => {
      if (picker.value) {
        changeMembers([...group.configIds, picker.value], ['Added ', isolate(nameOf(picker.value)), '.']);
      }
    } }, 'Add to group');

    // Preview and download URLs.
    const parameters = h('input', { id: 'group-parameters', value: DEFAULT_PARAMETERS, spellcheck: 'false',
      autocomplete: 'off', oninput: () => showUrls() });
    const urls = h('dl', { class: 'facts', id: 'group-urls' });
    const preview = h('pre', { class: 'code', id: 'group-toml', 'aria-live': 'polite' }, h('code'));
    const previewBox = messageBox('group-preview-message');

    function nameOf(configId) {
      const config = byId.get(configId);
      return config ? config.name : configId;
    }

    function show(saved) {
      group = saved;
      title.textContent = group.name;
      updated.textContent = `Updated ${dateTime(group.updatedAt)}`;
      showMembers();
      showUrls();
    }

    function showMembers() {
      const ids = group.configIds;
      replace(members, ids.length ? ids.map((configId, i) => {
        const config = byId.get(configId);
        return h('li', { dataset: { configId } },
          h('span', { class: 'position' }, `${i + 1}.`),
          h('span', { class: 'member-name' }, config ? h('a', { href: `#/configs/${encodeURIComponent(configId)}` },
            config.name) : h('code', null, configId), config && config.alias ? [' ', h('code', { class: 'muted' },
            config.alias)] : null),
          canWrite ? h('span', { class: 'row-actions' },
            h('button', { type: 'button', class: 'secondary', 'data-action': 'up', disabled: i === 0,
              'aria-label': `Move ${nameOf(configId)} up`, onclick: () => move(i, -1) }, 'Up'),
            h('button', { type: 'button', class: 'secondary', 'data-action': 'down', disabled: i === ids.length - 1,
              'aria-label': `Move ${nameOf(configId)} down`, onclick: () => move(i, 1) }, 'Down'),
            h('button', { type: 'button', class: 'secondary', 'data-action': 'remove',
              'aria-label': `Remove ${nameOf(configId)} from the group`,
              onclick: () => changeMembers(ids.filter((other) => other !== configId),
                ['Removed ', isolate(nameOf(configId)), '.']) }, 'Remove')) : null);
      }) : h('li', { class: 'muted', id: 'group-members-empty' }, 'No members yet: the group serves an empty '
        + 'document.'));
      const candidates = configs.filter((c) => !ids.includes(c.id));
      replace(picker, ...candidates.map((c) => h('option', { value: c.id }, c.name)));
      picker.disabled = candidates.length === 0;
      add.disabled = candidates.length === 0;
    }

    function move(index, by) {
      const ids = [...group.configIds];
      const [moved] = ids.splice(index, 1);
      ids.splice(index + by, 0, moved);
      changeMembers(ids, ['Moved ', isolate(nameOf(moved)), ` ${by < 0 ? 'up' : 'down'}.`]);
    }

    /** Saves the new members at once; a refusal leaves the group as it was and says why. */
    async function changeMembers(configIds, done) {
      clearMessage(membersBox);
      try {
        show(await api('PATCH', `/api/config-groups/${encodeURIComponent(id)}`, { configIds }));
        showMessage(membersBox, 'success', done);
        showPreview();
      } catch (error) {
        showRefusal(membersBox, error);
      }
    }

    /** The query string as the preview sends it, so the URLs shown are the ones the preview fetched. */
    function queryString() {
      return new URLSearchParams(parameters.value.trim().replace(/^\?/, '')).toString();
    }

    function showUrls() {
      const q = queryString();
      const suffix = q ? `?${q}` : '';
      const row = (term, url, urlId) => [h('dt', null, term), h('dd', null, h('code', { class: 'url', id: urlId },
        url))];
      replace(urls,
        row('By id', `${location.origin}/api/config-groups/${encodeURIComponent(group.id)}/toml${suffix}`,
          'group-url-id'),
        group.alias ? [
          row('By alias', `${location.origin}/api/config-groups/${encodeURIComponent(group.alias)}/toml${suffix}`,
            'group-url-alias'),
          row('Short link', shortUrl(group.alias, q), 'group-url-short')]
          : [h('dt', null, 'By alias'), h('dd', { class: 'muted' }, 'Give the group an alias for a short URL.')]);
    }

    async function showPreview() {
      clearMessage(previewBox);
      try {
        const search = queryString();
        const path = `/api/config-groups/${encodeURIComponent(id)}/toml${search ? `?${search}` : ''}`;
        const text = await api('GET', path, undefined, { text: true });
        replace(preview.firstChild, text || '');
        preview.hidden = false;
        if (!text) {
          showMessage(previewBox, 'info', 'The group serves an empty document.');
        }
      } catch (error) {
        preview.hidden = true;
        showRefusal(previewBox, error);
      }
    }

    async function remove() {
      const ok = await confirmAction('Delete config group', ['Delete “', isolate(group.name), '”? Agents fetching '
        + 'its URLs get errors from then on; its member configs stay.'], 'Delete');
      if (!ok) {
        return;
      }
      try {
        await api('DELETE', `/api/config-groups/${encodeURIComponent(id)}`);
        ctx.notify(['Deleted config group ', isolate(group.name), '.']);
        location.hash = '#/config-groups';
      } catch (error) {
        showRefusal(box, error);
      }
    }

    replace(main,
      back(),
      h('div', { class: 'heading' }, title,
        ctx.can('config-groups:delete') ? h('button', { type: 'button', class: 'danger', id: 'group-delete',
          onclick: remove }, 'Delete group') : null),
      box,
      form,
      h('section', { id: 'group-members' },
        h('h3', null, 'Members'),
        h('p', { class: 'muted' }, 'Served in this order, each after a comment line naming it. Two members may not '
          + 'define the same table or key.'),
        membersBox,
        members,
        canWrite && ctx.can('configs:read') ? h('div', { class: 'toolbar' }, field('Config', picker), add) : null),
      h('section', { id: 'group-download' },
        h('h3', null, 'Download'),
        h('p', null, 'Agents fetch the group like a config, with a token made with the Telegraf Agent preset (plus '
          + 'Config groups: Read) in TELEGRAF_CONTROLLER_TOKEN. The parameters fill the members\' &{name} '
          + 'placeholders.'),
        h('form', { class: 'toolbar', id: 'group-preview-form', onsubmit: (event) => {
          event.preventDefault();
          showPreview();
        } }, field('Query parameters', parameters), h('button', { type: 'submit', class: 'secondary',
          id: 'group-preview-show' }, 'Show TOML')),
        urls,
        previewBox,
        preview));
    show(group);
    showPreview();
  }

  load();
  return null;
}
