// Constants: the list (name, value, description, updated), 50 a page read from the API, New constant, edit and
// delete. The gateway's refusals are shown in place: a name taken, a value that would break a config (named, with a
// link), a constant that configs use (each of them linked).
import { api, query } from '../api.js';
import { h, field, messageBox, replace, showMessage, clearMessage, table, isolate } from '../dom.js';
import { confirmAction, openDialog, dialogId } from '../dialogs.js';
import { dateTime } from '../format.js';
import { serverList } from '../paging.js';
import { showRefusal } from '../refusals.js';

/** Name, value and description fields, filled from a constant when editing one. */
function constantFields(prefix, constant) {
  return {
    name: h('input', { id: `${prefix}-name`, name: 'name', required: true, maxlength: 128, spellcheck: 'false',
      value: constant ? constant.name : '' }),
    value: h('input', { id: `${prefix}-value`, name: 'value', class: 'mono', maxlength: 65536, spellcheck: 'false',
      value: constant ? constant.value : '' }),
    description: h('input', { id: `${prefix}-description`, name: 'description', maxlength: 4096,
      value: constant ? constant.description || '' : '' }),
  };
}

function bodyOf(fields) {
  return { name: fields.name.value, value: fields.value.value, description: fields.description.value };
}

const VALUE_HINT = 'Put in place of ::{name} in a config as written, inside a string ("::{name}") or not; no " '
  + 'and no line breaks.';

export function render(main, ctx) {
  const canWrite = ctx.can('constants:write');
  const canDelete = ctx.can('constants:delete');
  const box = messageBox('constants-message');
  const list = serverList({
    id: 'constants',
    label: 'Constant',
    field: 'constants',
    fetch: (limit, cursor) => api('GET', `/api/constants${query({ limit, cursor })}`),
    render: renderRows,
    onError: (error) => showMessage(box, 'error', error.message),
  });

  replace(main,
    h('div', { class: 'heading' }, h('h2', null, 'Constants')),
    h('p', { class: 'muted' }, 'A constant is written once and used by many configs: ::{name} in a config\'s TOML '
      + 'is replaced by its value when agents fetch the config, and a changed value makes them reload.'),
    box,
    canWrite ? createForm() : null,
    list.element);

  function createForm() {
    const fields = constantFields('constant');
    const errors = messageBox('constant-create-message');
    const submit = h('button', { type: 'submit', id: 'constant-create' }, 'Create constant');
    const form = h('form', { id: 'constant-form', onsubmit: async (event) => {
      event.preventDefault();
      clearMessage(errors);
      submit.disabled = true;
      try {
        const constant = await api('POST', '/api/constants', bodyOf(fields));
        Object.values(fields).forEach((input) => { input.value = ''; });
        showMessage(box, 'success', ['Created constant ', isolate(constant.name), '.']);
        await load();
      } catch (error) {
        showRefusal(errors, error);
      } finally {
        submit.disabled = false;
      }
    } },
    h('div', { class: 'grid' }, field('Name', fields.name), field('Description (optional)', fields.description)),
    field('Value', fields.value, VALUE_HINT),
    errors,
    submit);
    return h('details', { id: 'new-constant' }, h('summary', { role: 'button', class: 'secondary' }, 'New constant'),
      form);
  }

  function renderRows(page) {
    const headers = ['Name', 'Value', 'Description', 'Updated'];
    if (canWrite || canDelete) {
      headers.push('Actions');
    }
    const rows = page.map((constant) => h('tr', { dataset: { constantId: constant.id } },
      h('td', { class: 'constant-name' }, h('code', null, constant.name)),
      h('td', { class: 'constant-value' }, constant.value ? h('code', null, constant.value)
        : h('span', { class: 'muted' }, '(empty)')),
      h('td', { class: 'constant-description' }, constant.description || '—'),
      h('td', null, dateTime(constant.updatedAt)),
      canWrite || canDelete ? h('td', null, h('div', { class: 'row-actions' },
        canWrite ? h('button', { type: 'button', class: 'secondary', 'data-action': 'edit',
          onclick: () => edit(constant) }, 'Edit') : null,
        canDelete ? h('button', { type: 'button', class: 'secondary', 'data-action': 'delete',
          onclick: () => remove(constant) }, 'Delete') : null)) : null));
    return rows.length ? table('Constants', headers, rows, { id: 'constants-table' })
      : h('p', { class: 'muted', id: 'constants-empty' }, 'No constants yet.');
  }

  function load() {
    return list.load();
  }

  function edit(constant) {
    const id = dialogId('edit-constant');
    const fields = constantFields('edit-constant', constant);
    const dialogBox = messageBox('edit-constant-message');
    const form = h('form', { onsubmit: async (event) => {
      event.preventDefault();
      clearMessage(dialogBox);
      try {
        const saved = await api('PATCH', `/api/constants/${encodeURIComponent(constant.id)}`, bodyOf(fields));
        dialog.close();
        showMessage(box, 'success', ['Saved constant ', isolate(saved.name), '.']);
        await load();
      } catch (error) {
        showRefusal(dialogBox, error);
      }
    } },
    field('Name', fields.name), field('Value', fields.value, VALUE_HINT), field('Description', fields.description),
    dialogBox,
    h('footer', null, h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel'), ' ',
      h('button', { type: 'submit', id: 'edit-constant-submit' }, 'Save')));
    const dialog = openDialog(id, [h('header', null, h('h3', { id }, 'Edit ', isolate(constant.name))), form]);
    fields.value.focus();
  }

  async function remove(constant) {
    const ok = await confirmAction('Delete constant', ['Delete ', isolate(constant.name), '? A constant that '
      + 'configs use cannot be deleted.'], 'Delete');
    if (!ok) {
      return;
    }
    clearMessage(box);
    try {
      await api('DELETE', `/api/constants/${encodeURIComponent(constant.id)}`);
      showMessage(box, 'success', ['Deleted constant ', isolate(constant.name), '.']);
    } catch (error) {
      showRefusal(box, error, 'Not deleted: ');
    }
    await load();
  }

  load();
  return null;
}
