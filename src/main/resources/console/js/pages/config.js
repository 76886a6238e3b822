// One config: the editor (with the gateway's TOML errors at their line and column, and a note for the version a
// save makes), its labels, its versions, the exact command and environment variable that start an agent with it,
// its download URLs (by id, and by alias: /c/<alias>), and delete (showing why it cannot be: agents use it, or
// groups hold it, named with links).
import { api } from '../api.js';
import { h, field, messageBox, replace, showMessage, clearMessage, isolate } from '../dom.js';
import { confirmAction } from '../dialogs.js';
import { ALIAS_HINT, aliasValue, shortUrl } from '../aliases.js';
import { dateTime } from '../format.js';
import { labelEditor, loadLabels } from '../labels.js';
import { showRefusal } from '../refusals.js';
import { versionsSection } from './config-versions.js';
import { tomlError } from './toml-error.js';

/** Single-quoted for a POSIX shell. */
function shellQuoted(text) {
  return `'${text.replaceAll('\'', '\'\\\'\'')}'`;
}

export function render(main, ctx) {
  const id = ctx.param;
  const box = messageBox('config-message');
  const canWrite = ctx.can('configs:write');
  replace(main, h('p', null, h('a', { href: '#/configs' }, '← Configs')), h('p', { 'aria-busy': 'true' }, 'Loading…'));

  async function load() {
    let config;
    try {
      config = await api('GET', `/api/configs/${encodeURIComponent(id)}`);
    } catch (error) {
      replace(main, h('p', null, h('a', { href: '#/configs' }, '← Configs')),
        h('p', { class: 'message error', role: 'alert' }, error.status === 404 ? 'No such config.' : error.message));
      return;
    }
    const name = h('input', { id: 'config-name', value: config.name, required: true, maxlength: 255,
      readOnly: !canWrite });
    const alias = h('input', { id: 'config-alias', value: config.alias || '', maxlength: 63, spellcheck: 'false',
      autocomplete: 'off', readOnly: !canWrite });
    const description = h('input', { id: 'config-description', value: config.description || '', maxlength: 4096,
      readOnly: !canWrite });
    const toml = h('textarea', { id: 'config-toml', class: 'toml', rows: 22, spellcheck: 'false', value: config.toml,
      readOnly: !canWrite });
    const note = h('input', { id: 'config-note', maxlength: 1000 });
    const tomlBox = messageBox('config-toml-message');
    const changed = h('small', { class: 'muted', id: 'config-changed' }, changedText(config));
    const save = h('button', { type: 'submit', id: 'config-save' }, 'Save');
    const form = h('form', { id: 'config-edit', onsubmit: async (event) => {
      event.preventDefault();
      clearMessage(box);
      clearMessage(tomlBox);
      save.disabled = true;
      try {
        const body = { name: name.value, description: description.value, toml: toml.value };
        if (note.value) {
          body.note = note.value;
        }
        if (aliasValue(alias) !== (config.alias || null)) {
          body.alias = aliasValue(alias);
        }
        const saved = await api('PATCH', `/api/configs/${encodeURIComponent(id)}`, body);
        changed.textContent = changedText(saved);
        title.textContent = saved.name;
        note.value = '';
        showMessage(box, 'success', saved.version === config.version ? 'Saved (the TOML did not change).'
          : `Saved as version ${saved.version}.`);
        config = saved;
        showCommand();
        versions.reload();
      } catch (error) {
        tomlError(tomlBox, error, toml);
      } finally {
        save.disabled = false;
      }
    } },
    h('div', { class: 'grid' }, field('Name', name), field('Alias', alias, canWrite ? ALIAS_HINT : null)),
    field('Description', description), field('TOML', toml), tomlBox, changed,
    canWrite ? field('Note for this version (optional)', note, 'Kept with the version the save makes when the TOML '
      + 'changes; shown in the history below.') : null,
    canWrite ? h('p', null, save) : null);
    const versions = versionsSection(ctx, id, box, load);

    const agentId = h('input', { id: 'command-agent-id', value: 'agent-01', maxlength: 255,
      oninput: () => showCommand() });
    const command = h('pre', { class: 'code', id: 'agent-command' }, h('code'));
    const urls = h('dl', { class: 'facts', id: 'config-urls' });
    function showCommand() {
      const agent = agentId.value.trim() || 'agent-01';
      const parameters = `agent_id=${encodeURIComponent(agent)}`;
      const url = `${location.origin}/api/configs/${encodeURIComponent(config.id)}/toml?${parameters}`;
      replace(urls, h('dt', null, 'Download URL'), h('dd', null, h('code', { class: 'url', id: 'config-url-id' }, url)),
        h('dt', null, 'Short link'), config.alias
          ? h('dd', null, h('code', { class: 'url', id: 'config-url-alias' }, shortUrl(config.alias, parameters)))
          : h('dd', { class: 'muted', id: 'config-url-alias-none' }, 'Give the config an alias for a short URL '
            + '(/c/<alias>) that agents can fetch instead.'));
      replace(command.firstChild,
        'export TELEGRAF_CONTROLLER_TOKEN=\'<a token made with the Telegraf Agent preset>\'\n',
        `telegraf --config ${shellQuoted(url)}`);
    }
    showCommand();
    const title = h('h2', { id: 'config-title' }, config.name);
    replace(main,
      h('p', null, h('a', { href: '#/configs' }, '← Configs')),
      h('div', { class: 'heading' }, title,
        ctx.can('configs:delete') ? h('button', { type: 'button', class: 'danger', id: 'config-delete',
          onclick: () => remove(config) }, 'Delete config') : null),
      box,
      form,
      labelsSection(config),
      versions.element,
      h('section', { id: 'agent-start' },
        h('h3', null, 'Start an agent with this config'),
        h('p', null, 'Each agent fetches the config with its own agent id; the token goes in the environment '
          + 'variable TELEGRAF_CONTROLLER_TOKEN (Telegraf 1.39 or later; older versions read INFLUX_TOKEN). Create '
          + 'the token on the API Tokens page with the Telegraf Agent preset: Configs: Read and Heartbeat: Write.'),
        field('Agent ID', agentId),
        urls,
        command));
  }

  function changedText(config) {
    return `Version ${config.version} · TOML changed ${dateTime(config.tomlUpdatedAt)}`;
  }

  function labelsSection(config) {
    const canEdit = canWrite && ctx.can('labels:read');
    const section = h('section', { id: 'config-labels-section' }, h('h3', null, 'Labels'));
    const show = (all) => replace(section, h('h3', null, 'Labels'), labelEditor({ id: 'config-labels',
      current: config.labels, all, canEdit,
      assign: async (labelId) => (await api('POST', `/api/configs/${encodeURIComponent(id)}/assign/`
        + encodeURIComponent(labelId))).labels,
      remove: async (labelId) => (await api('DELETE', `/api/configs/${encodeURIComponent(id)}/labels/`
        + encodeURIComponent(labelId))).labels,
      fail: (error) => showMessage(box, 'error', error.message) }));
    if (canEdit) {
      loadLabels().then(show).catch((error) => {
        show([]);
        showMessage(box, 'error', error.message);
      });
    } else {
      show([]);
    }
    return section;
  }

  async function remove(config) {
    const ok = await confirmAction('Delete config', ['Delete “', isolate(config.name), '”? Agents can no longer '
      + 'fetch it.'], 'Delete');
    if (!ok) {
      return;
    }
    try {
      await api('DELETE', `/api/configs/${encodeURIComponent(id)}`);
      ctx.notify(['Deleted config ', isolate(config.name), '.']);
      location.hash = '#/configs';
    } catch (error) {
      showRefusal(box, error, error.status === 409 ? 'Not deleted: ' : '');
    }
  }

  load();
  return null;
}
