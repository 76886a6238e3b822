// First-owner setup (while no owner exists) and sign-in.
import { api } from '../api.js';
import { h, field, messageBox, replace, showMessage } from '../dom.js';

function retryText(seconds) {
  if (!seconds) {
    return 'later';
  }
  return seconds < 90 ? `in ${seconds} seconds` : `in ${Math.ceil(seconds / 60)} minutes`;
}

/** Shows the form; signedIn() runs once the gateway has set the session cookie. */
export function showSignIn(main, setupRequired, message, signedIn) {
  const box = messageBox('signin-message');
  const username = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true,
    maxlength: 255 });
  const password = h('input', { id: 'password', name: 'password', type: 'password', required: true,
    autocomplete: setupRequired ? 'new-password' : 'current-password' });
  const confirm = setupRequired ? h('input', { id: 'password-confirm', name: 'password-confirm', type: 'password',
    required: true, autocomplete: 'new-password' }) : null;
  const submit = h('button', { type: 'submit', id: 'signin-submit' }, setupRequired ? 'Create owner' : 'Sign in');
  const form = h('form', { id: setupRequired ? 'setup-form' : 'signin-form', onsubmit: send },
    field('Username', username),
    field('Password', password, setupRequired ? 'At least 8 characters, not a common password, not the username.'
      : null),
    confirm ? field('Repeat the password', confirm) : null,
    submit);

  async function send(event) {
    event.preventDefault();
    if (confirm && password.value !== confirm.value) {
      showMessage(box, 'error', 'The two passwords differ.');
      confirm.focus();
      return;
    }
    submit.setAttribute('aria-busy', 'true');
    submit.disabled = true;
    try {
      await api('POST', setupRequired ? '/api/auth/setup' : '/api/auth/login/local',
        { username: username.value, password: password.value }, { expectUnauthorized: true });
      password.value = '';
      signedIn();
    } catch (error) {
      password.value = '';
      if (confirm) {
        confirm.value = '';
      }
      if (error.status === 429) {
        // The gateway locks sign-in after repeated failures (and says for how long in Retry-After).
        showMessage(box, 'error', `Too many failed sign-ins: sign-in is locked for now. Try again `
          + `${retryText(error.retryAfter)}.`);
      } else if (error.status === 401) {
        showMessage(box, 'error', 'Wrong username or password.');
      } else if (error.status === 409 && setupRequired) {
        showMessage(box, 'info', 'An owner already exists: sign in instead.');
        setTimeout(signedIn, 1500);
      } else {
        showMessage(box, 'error', error.message);
      }
      password.focus();
    } finally {
      submit.removeAttribute('aria-busy');
      submit.disabled = false;
    }
  }

  replace(main, h('article', { class: 'signin' },
    h('header', null, h('h2', null, setupRequired ? 'Set up Heartgate' : 'Sign in')),
    setupRequired ? h('p', null, 'No owner exists yet. Create the owner account: it can do everything, and it '
      + 'creates the other users.') : null,
    box,
    form));
  if (message) {
    showMessage(box, message.kind, message.text);
  }
  username.focus();
}
