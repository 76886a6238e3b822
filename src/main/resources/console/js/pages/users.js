// Users (owner and administrators): create, change role, disable or enable, reset password, delete.
import { api } from '../api.js';
import { h, field, messageBox, replace, select, showMessage, clearMessage, table, isolate } from '../dom.js';
import { confirmAction, openDialog, dialogId } from '../dialogs.js';
import { capitalized, dateTime } from '../format.js';
import { pagedList } from '../paging.js';

export function render(main, ctx) {
  const box = messageBox('users-message');
  const canWrite = ctx.can('users:write');
  const canDelete = ctx.can('users:delete');
  const isOwner = ctx.me.role === 'owner';
  // Only the owner makes administrators; nobody makes a second owner.
  const roles = (isOwner ? ['administrator', 'manager', 'viewer'] : ['manager', 'viewer'])
    .map((role) => [role, capitalized(role)]);
  const list = pagedList(rows, 'Users');

  const username = h('input', { id: 'new-username', required: true, maxlength: 255, autocomplete: 'off' });
  const password = h('input', { id: 'new-password', type: 'password', required: true, autocomplete: 'new-password' });
  const role = select({ id: 'new-role' }, roles, 'viewer');
  const form = canWrite ? h('details', { id: 'new-user' }, h('summary', { role: 'button', class: 'secondary' },
    'New user'),
  h('form', { id: 'user-form', onsubmit: create },
    h('div', { class: 'grid' }, field('Username', username),
      field('Password', password, 'At least 8 characters, not a common password, not the username.'),
      field('Role', role)),
    h('button', { type: 'submit', id: 'user-create' }, 'Create user'))) : null;

  replace(main, h('h2', null, 'Users'), box, form, list.element);

  function editable(user) {
    return canWrite && user.role !== 'owner' && user.id !== ctx.me.user.id
      && (isOwner || user.role !== 'administrator');
  }

  function rows(page) {
    return table('Users', ['Username', 'Role', 'Status', 'Created', 'Actions'], page.map((user) => {
      const roleCell = editable(user)
        ? select({ 'aria-label': `Role of ${user.username}`, class: 'user-role',
          onchange: (event) => patch(user, { role: event.target.value },
            [isolate(user.username), ` is now ${event.target.value}.`]) },
        roles, user.role)
        : capitalized(user.role);
      return h('tr', { dataset: { userId: user.id } },
        h('td', null, user.username, user.id === ctx.me.user.id ? h('span', { class: 'muted' }, ' (you)') : null),
        h('td', null, roleCell),
        h('td', null, h('span', { class: `badge ${user.status}` }, capitalized(user.status))),
        h('td', null, dateTime(user.createdAt)),
        h('td', null, h('div', { class: 'row-actions' },
          editable(user) ? h('button', { type: 'button', class: 'secondary', onclick: () => toggle(user) },
            user.status === 'active' ? 'Disable' : 'Enable') : null,
          editable(user) || (canWrite && user.id === ctx.me.user.id) ? h('button', { type: 'button',
            class: 'secondary', onclick: () => resetPassword(user) }, 'Reset password') : null,
          canDelete && editable(user) ? h('button', { type: 'button', class: 'secondary', onclick: () => remove(user) },
            'Delete') : null)));
    }), { id: 'users-table' });
  }

  async function create(event) {
    event.preventDefault();
    clearMessage(box);
    try {
      const user = await api('POST', '/api/users', { username: username.value, password: password.value,
        role: role.value });
      username.value = '';
      password.value = '';
      showMessage(box, 'success', ['Created ', isolate(user.username), ` (${user.role}).`]);
      await load();
    } catch (error) {
      showMessage(box, 'error', error.message);
    }
  }

  async function patch(user, change, done) {
    clearMessage(box);
    try {
      await api('PATCH', `/api/users/${encodeURIComponent(user.id)}`, change);
      showMessage(box, 'success', done);
    } catch (error) {
      showMessage(box, 'error', error.message);
    }
    await load();
  }

  async function toggle(user) {
    if (user.status === 'active') {
      const ok = await confirmAction('Disable user', ['Disable ', isolate(user.username), '? Their sessions and '
        + 'tokens stop working until they are enabled again.'], 'Disable');
      if (ok) {
        await patch(user, { status: 'disabled' }, [isolate(user.username), ' is disabled.']);
      }
    } else {
      await patch(user, { status: 'active' }, [isolate(user.username), ' is enabled.']);
    }
  }

  function resetPassword(user) {
    const id = dialogId('password');
    const input = h('input', { id: 'reset-password', type: 'password', required: true, autocomplete: 'new-password' });
    const dialogBox = messageBox('reset-message');
    const form = h('form', { onsubmit: async (event) => {
      event.preventDefault();
      try {
        await api('PATCH', `/api/users/${encodeURIComponent(user.id)}`, { password: input.value });
        dialog.close();
        showMessage(box, 'success', user.id === ctx.me.user.id
          ? 'Your new password is set; your other sessions are ended.'
          : ['New password set for ', isolate(user.username), '; their other sessions are ended.']);
      } catch (error) {
        showMessage(dialogBox, 'error', error.message);
      }
    } },
    field('New password', input, 'At least 8 characters, not a common password, not the username.'),
    dialogBox,
    h('footer', null, h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel'), ' ',
      h('button', { type: 'submit' }, 'Set password')));
    const dialog = openDialog(id, [h('header', null, h('h3', { id }, 'Reset the password of ',
      isolate(user.username))), form],
      () => { input.value = ''; });
    input.focus();
  }

  async function remove(user) {
    if (await confirmAction('Delete user', ['Delete ', isolate(user.username), '? Their tokens are deleted too.'],
      'Delete')) {
      try {
        await api('DELETE', `/api/users/${encodeURIComponent(user.id)}`);
        showMessage(box, 'success', ['Deleted ', isolate(user.username), '.']);
      } catch (error) {
        showMessage(box, 'error', error.message);
      }
      await load();
    }
  }

  async function load() {
    try {
      list.show((await api('GET', '/api/users')).users);
    } catch (error) {
      showMessage(box, 'error', error.message);
    }
  }

  load();
  return null;
}
