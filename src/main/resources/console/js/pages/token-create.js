// The Create Token dialog, in the product pages' words: Description, Expiration, Custom permissions, Create; then
// the value, shown once, with a way to copy it.
import { api } from '../api.js';
import { h, field, messageBox, replace, showMessage, isolate } from '../dom.js';
import { openDialog, dialogId } from '../dialogs.js';
import { ACTIONS, PRESETS, RESOURCES } from '../permissions.js';

function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The grid of resources × actions; what the role lacks is disabled, so it cannot be ticked. */
function permissionGrid(granted) {
  const rows = RESOURCES.map(([resource, label, actions]) => h('tr', null,
    h('th', { scope: 'row' }, label),
    ...ACTIONS.map((action) => {
      if (!actions.includes(action)) {
        return h('td', null, h('span', { class: 'muted', 'aria-hidden': 'true' }, '—'));
      }
      const permission = `${resource}:${action}`;
      const allowed = granted.includes(permission);
      return h('td', null, h('input', {
        type: 'checkbox', name: 'permission', value: permission, disabled: !allowed,
        'aria-label': `${label}: ${action}${allowed ? '' : ' (your role does not grant it)'}`,
        title: allowed ? permission : `${permission}: your role does not grant it`,
      }));
    })));
  return h('table', { class: 'grid-permissions', id: 'custom-permissions' },
    h('caption', { class: 'sr-only' }, 'Custom permissions'),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Resource'),
      ...ACTIONS.map((action) => h('th', { scope: 'col' }, action.charAt(0).toUpperCase() + action.slice(1))))),
    h('tbody', null, ...rows));
}

/** Opens the dialog; created() runs after a token was created (to refresh the list). */
export function openCreateToken(me, created) {
  const id = dialogId('create-token');
  const box = messageBox('create-token-message');
  const description = h('input', { id: 'token-description', name: 'description', required: true, maxlength: 255,
    autocomplete: 'off' });
  const expiration = h('input', { id: 'token-expiration', name: 'expiration', type: 'date', min: today() });
  const grid = permissionGrid(me.permissions);
  const gridBox = h('div', { class: 'table-wrap', hidden: true }, grid);
  const presets = h('fieldset', { id: 'token-presets' }, h('legend', null, 'Permissions'),
    ...PRESETS.map(([value, label, hint], index) => h('label', null,
      h('input', { type: 'radio', name: 'preset', value, checked: index === 0,
        onchange: () => { gridBox.hidden = value !== 'custom'; } }),
      `${label} `, h('span', { class: 'muted' }, `(${hint})`))));
  const submit = h('button', { type: 'submit', id: 'token-create-submit' }, 'Create');
  const cancel = h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel');
  const form = h('form', { id: 'create-token-form', onsubmit: send },
    field('Description', description, 'Identifies where or how the token will be used.'),
    field('Expiration (optional)', expiration,
      'The token stops working at the end of that day. Without a date it remains active indefinitely.'),
    presets,
    gridBox,
    h('p', null, h('small', { class: 'muted' }, 'A token only includes the permissions that overlap with what your '
      + 'role grants.')),
    box,
    h('footer', null, cancel, ' ', submit));
  const body = h('div', null, form);
  let value = null;
  const dialog = openDialog(id, [h('header', null, h('h3', { id }, 'Create Token')), body], () => {
    value = null;
    body.replaceChildren();
  });
  description.focus();

  function permissionsAsked() {
    const preset = form.querySelector('input[name="preset"]:checked').value;
    if (preset !== 'custom') {
      return preset;
    }
    // Every ticked box is sent: a page opened before the role narrowed may hold boxes ticked that are now
    // beyond it, and the gateway drops (and names) those rather than refusing the token.
    return [...grid.querySelectorAll('input[name="permission"]:checked')].map((box) => box.value);
  }

  async function send(event) {
    event.preventDefault();
    const permissions = permissionsAsked();
    if (Array.isArray(permissions) && permissions.length === 0) {
      showMessage(box, 'error', 'Tick at least one permission, or choose a preset.');
      return;
    }
    const request = { name: description.value, permissions };
    if (expiration.value) {
      request.expiresAt = new Date(`${expiration.value}T23:59:59`).toISOString();
    }
    submit.disabled = true;
    submit.setAttribute('aria-busy', 'true');
    try {
      const token = await api('POST', '/api/tokens', request);
      value = token.token;
      showValue(token);
      created();
    } catch (error) {
      showMessage(box, 'error', error.message);
      submit.disabled = false;
      submit.removeAttribute('aria-busy');
    }
  }

  function showValue(token) {
    const output = h('input', { id: 'token-value', class: 'secret', readOnly: true, value,
      'aria-describedby': 'token-once', autocomplete: 'off', spellcheck: 'false' });
    const copied = messageBox('token-copy-message');
    const copy = h('button', { type: 'button', id: 'token-copy', onclick: () => copyValue(output, copied) },
      'Copy');
    const done = h('button', { type: 'button', id: 'token-done', onclick: () => dialog.close() }, 'Done');
    const dropped = token.droppedPermissions || [];
    replace(body,
      h('p', { class: 'message warning', id: 'token-once', role: 'alert' },
        'Copy your API token now. The full token value is only displayed once and cannot be retrieved later. '
        + 'If you lose it, revoke it and create a new one.'),
      h('label', { for: 'token-value' }, 'Token “', isolate(token.name), '”'),
      h('div', { role: 'group' }, output, copy),
      copied,
      dropped.length ? h('p', { class: 'message warning', id: 'token-dropped' },
        'Dropped because your role does not grant them: ',
        ...dropped.map((permission) => h('span', { class: 'perm' }, permission))) : null,
      h('p', null, 'Permissions: ', ...token.permissions.map((permission) => h('span', { class: 'perm' },
        permission))),
      h('footer', null, done));
    output.focus();
    output.select();
  }
}

/** The clipboard where the page may use it (https or localhost); otherwise the text is selected for Ctrl+C. */
async function copyValue(output, box) {
  output.focus();
  output.select();
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(output.value);
      showMessage(box, 'success', 'Copied to the clipboard.');
      return;
    } catch {
      // Refused (no permission, no focus): fall back to the selection below.
    }
  }
  showMessage(box, 'info', 'The value is selected: press Ctrl+C (⌘C on a Mac) to copy it.');
}
