// Labels: the list (colour, name, description), 50 a page read from the API, New label, and edit / delete, one at a
// time or in bulk (the selection kept across pages).
import { api, query } from '../api.js';
import { h, field, messageBox, replace, showMessage, clearMessage, table, isolate } from '../dom.js';
import { confirmAction, openDialog, dialogId } from '../dialogs.js';
import { bulkResults } from '../bulk.js';
import { dateTime } from '../format.js';
import { DEFAULT_COLOR, isColor, swatch } from '../labels.js';
import { serverList } from '../paging.js';

/** Name, description and colour fields, filled from a label when editing one. */
function labelFields(prefix, label) {
  return {
    name: h('input', { id: `${prefix}-name`, name: 'name', required: true, maxlength: 100,
      value: label ? label.name : '' }),
    description: h('input', { id: `${prefix}-description`, name: 'description', maxlength: 1000,
      value: label ? label.description || '' : '' }),
    color: h('input', { id: `${prefix}-color`, name: 'color', type: 'color',
      value: label && isColor(label.color) ? label.color : DEFAULT_COLOR }),
  };
}

export function render(main, ctx) {
  const canWrite = ctx.can('labels:write');
  const canDelete = ctx.can('labels:delete');
  const box = messageBox('labels-message');
  const results = h('div', { id: 'bulk-results' });
  const selected = new Set();
  /** The names of the labels shown so far, to name a selected one that is on another page. */
  const names = new Map();

  const selectedCount = h('span', { class: 'muted', 'aria-live': 'polite' }, 'None selected');
  const bulk = canDelete ? h('div', { class: 'toolbar', id: 'bulk-actions', role: 'toolbar',
    'aria-label': 'Selected labels' }, selectedCount,
  h('button', { type: 'button', class: 'secondary small', id: 'bulk-delete', onclick: bulkDelete },
    'Delete selected')) : null;
  const list = serverList({
    id: 'labels',
    label: 'Label',
    field: 'labels',
    fetch: (limit, cursor) => api('GET', `/api/labels${query({ limit, cursor })}`),
    render: renderRows,
    onPage: (answer) => {
      answer.labels.forEach((l) => names.set(l.id, l.name));
      updateSelection();
    },
    onError: (error) => showMessage(box, 'error', error.message),
  });

  replace(main,
    h('div', { class: 'heading' }, h('h2', null, 'Labels')),
    h('p', { class: 'muted' }, 'Labels group agents and configs: assign them on an agent\'s or a config\'s page, or '
      + 'to several agents at once from the Agents list, and filter those lists by them.'),
    box,
    canWrite ? createForm() : null,
    bulk,
    results,
    list.element);

  function createForm() {
    const fields = labelFields('label');
    const errors = messageBox('label-create-message');
    const submit = h('button', { type: 'submit', id: 'label-create' }, 'Create label');
    const form = h('form', { id: 'label-form', onsubmit: async (event) => {
      event.preventDefault();
      clearMessage(errors);
      submit.disabled = true;
      try {
        const label = await api('POST', '/api/labels', { name: fields.name.value,
          description: fields.description.value, color: fields.color.value });
        fields.name.value = '';
        fields.description.value = '';
        showMessage(box, 'success', ['Created label “', isolate(label.name), '”.']);
        await load();
      } catch (error) {
        showMessage(errors, 'error', error.message);
      } finally {
        submit.disabled = false;
      }
    } },
    h('div', { class: 'grid' }, field('Name', fields.name), field('Description (optional)', fields.description),
      field('Colour', fields.color)),
    errors,
    submit);
    return h('details', { id: 'new-label' }, h('summary', { role: 'button', class: 'secondary' }, 'New label'), form);
  }

  function updateSelection() {
    if (!bulk) {
      return;
    }
    selectedCount.textContent = selected.size ? `${selected.size} selected` : 'None selected';
    bulk.querySelector('button').disabled = selected.size === 0;
  }

  function renderRows(page) {
    const headers = ['Colour', 'Name', 'Description', 'Created'];
    if (canWrite || canDelete) {
      headers.push('Actions');
    }
    if (canDelete) {
      headers.unshift(h('input', { type: 'checkbox', 'aria-label': 'Select every label on this page',
        checked: page.length > 0 && page.every((l) => selected.has(l.id)),
        onchange: (event) => {
          page.forEach((l) => (event.target.checked ? selected.add(l.id) : selected.delete(l.id)));
          list.redraw();
        } }));
    }
    const rows = page.map((label) => h('tr', { dataset: { labelId: label.id } },
      canDelete ? h('td', null, h('input', { type: 'checkbox', 'aria-label': `Select ${label.name}`,
        checked: selected.has(label.id), onchange: (event) => {
          if (event.target.checked) {
            selected.add(label.id);
          } else {
            selected.delete(label.id);
          }
          updateSelection();
        } })) : null,
      h('td', null, swatch(label.color), ' ', h('code', null, label.color)),
      h('td', { class: 'label-name' }, label.name),
      h('td', null, label.description || '—'),
      h('td', null, dateTime(label.createdAt)),
      canWrite || canDelete ? h('td', null, h('div', { class: 'row-actions' },
        canWrite ? h('button', { type: 'button', class: 'secondary', 'data-action': 'edit', onclick: () => edit(label) },
          'Edit') : null,
        canDelete ? h('button', { type: 'button', class: 'secondary', 'data-action': 'delete',
          onclick: () => remove(label) }, 'Delete') : null)) : null));
    return rows.length ? table('Labels', headers, rows, { id: 'labels-table' })
      : h('p', { class: 'muted', id: 'labels-empty' }, 'No labels yet.');
  }

  function load() {
    return list.load();
  }

  function edit(label) {
    const id = dialogId('edit-label');
    const fields = labelFields('edit-label', label);
    const dialogBox = messageBox('edit-label-message');
    const form = h('form', { onsubmit: async (event) => {
      event.preventDefault();
      clearMessage(dialogBox);
      try {
        const saved = await api('PATCH', `/api/labels/${encodeURIComponent(label.id)}`, { name: fields.name.value,
          description: fields.description.value, color: fields.color.value });
        dialog.close();
        clearMessage(box);
        results.replaceChildren();
        showMessage(box, 'success', ['Saved label “', isolate(saved.name), '”.']);
        await load();
      } catch (error) {
        showMessage(dialogBox, 'error', error.message);
      }
    } },
    field('Name', fields.name), field('Description', fields.description), field('Colour', fields.color),
    dialogBox,
    h('footer', null, h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel'), ' ',
      h('button', { type: 'submit', id: 'edit-label-submit' }, 'Save')));
    const dialog = openDialog(id, [h('header', null, h('h3', { id }, 'Edit “', isolate(label.name), '”')), form]);
    fields.name.focus();
  }

  async function remove(label) {
    const ok = await confirmAction('Delete label', ['Delete “', isolate(label.name), '”? It is removed from every '
      + 'agent and config that carries it.'], 'Delete');
    if (!ok) {
      return;
    }
    clearMessage(box);
    results.replaceChildren();
    try {
      await api('DELETE', `/api/labels/${encodeURIComponent(label.id)}`);
      selected.delete(label.id);
      showMessage(box, 'success', ['Deleted label “', isolate(label.name), '”.']);
    } catch (error) {
      showMessage(box, 'error', error.message);
    }
    await load();
  }

  async function bulkDelete() {
    const ids = [...selected];
    const ok = await confirmAction('Delete labels', `Delete ${ids.length} label(s)? They are removed from every agent `
      + 'and config that carries them.', 'Delete');
    if (!ok) {
      return;
    }
    clearMessage(box);
    try {
      const answer = await api('DELETE', '/api/labels', { ids });
      replace(results, bulkResults('Delete', 'Label', answer.results, (id) => names.get(id) || id));
      selected.clear();
    } catch (error) {
      showMessage(box, 'error', error.message);
    }
    await load();
  }

  load();
  return null;
}
