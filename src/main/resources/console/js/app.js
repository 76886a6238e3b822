// The console's shell: who is signed in, the nav their role may use, and which page shows.
import { api, onSessionEnded } from './api.js';
import { h, isolate, replace } from './dom.js';
import { showSignIn } from './pages/signin.js';
import * as agents from './pages/agents.js';
import * as agent from './pages/agent.js';
import * as configs from './pages/configs.js';
import * as config from './pages/config.js';
import * as configGroups from './pages/config-groups.js';
import * as configGroup from './pages/config-group.js';
import * as constants from './pages/constants.js';
import * as labels from './pages/labels.js';
import * as rules from './pages/rules.js';
import * as tokens from './pages/tokens.js';
import * as users from './pages/users.js';
import * as audit from './pages/audit.js';

/** [route, nav label, permission it needs, page for the list, page for one item] */
const PAGES = [
  ['agents', 'Agents', 'agents:read', agents, agent],
  ['configs', 'Configs', 'configs:read', configs, config],
  ['config-groups', 'Config groups', 'config-groups:read', configGroups, configGroup],
  ['constants', 'Constants', 'constants:read', constants, null],
  ['labels', 'Labels', 'labels:read', labels, null],
  ['reporting-rules', 'Reporting rules', 'reporting-rules:read', rules, null],
  ['tokens', 'API Tokens', 'tokens:read', tokens, null],
  ['users', 'Users', 'users:read', users, null],
  ['audit', 'Audit', 'audit:read', audit, null],
];

const main = document.getElementById('main');
const nav = document.getElementById('nav');
let session = null;
let leavePage = null;

/** What a page gets: the signed-in user, a permission test, and a way to say something briefly. */
function context(param) {
  return {
    me: session,
    param,
    can: (permission) => session.permissions.includes(permission),
    notify,
  };
}

export function notify(text) {
  const box = document.getElementById('notice');
  replace(box, h('p', null, text));
  clearTimeout(notify.timer);
  notify.timer = setTimeout(() => box.replaceChildren(), 5000);
}

function allowedPages() {
  return PAGES.filter(([, , permission]) => session.permissions.includes(permission));
}

function renderNav(current) {
  const links = allowedPages().map(([route, label]) => h('li', null, h('a', {
    href: `#/${route}`, 'aria-current': route === current ? 'page' : null,
  }, label)));
  links.push(h('li', null, h('span', { class: 'muted', 'data-signed-in': '' },
    isolate(session.user.username), ` (${session.role})`)));
  links.push(h('li', null, h('button', { type: 'button', class: 'secondary small', id: 'sign-out', onclick: signOut },
    'Sign out')));
  replace(nav, ...links);
}

/** The route's parameter, or undefined when it is not valid percent-encoding (#/agents/%E0%A4%A): no such page. */
function decoded(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function route() {
  if (!session) {
    return;
  }
  if (leavePage) {
    leavePage();
    leavePage = null;
  }
  const [name, ...rest] = location.hash.replace(/^#\/?/, '').split('/');
  const allowed = allowedPages();
  if (!name) {
    location.replace(`#/${allowed.length ? allowed[0][0] : 'agents'}`);
    return;
  }
  renderNav(name);
  const page = allowed.find(([route]) => route === name);
  main.replaceChildren();
  const param = rest.length ? decoded(rest.join('/')) : null;
  if (!page || param === undefined) {
    document.title = 'Not available · Heartgate';
    replace(main, h('h2', null, 'Not available'),
      h('p', { class: 'message info', id: 'not-available' }, 'This page does not exist or your role cannot use it.'));
    return;
  }
  const module = param !== null && page[4] ? page[4] : page[3];
  document.title = `${page[1]} · Heartgate`;
  leavePage = module.render(main, context(param)) || null;
}

/**
 * Shows the page the signed-in user asked for, or the sign-in (or first-owner setup). With a message the session is
 * known to be over (signed out, expired), so only the setup question is asked.
 */
async function start(message) {
  if (leavePage) {
    leavePage();
    leavePage = null;
  }
  session = null;
  nav.replaceChildren();
  let status;
  try {
    status = await api('GET', '/api/auth/status');
  } catch (error) {
    replace(main, h('p', { class: 'message error', role: 'alert' }, `The gateway cannot be reached: ${error.message}`));
    return;
  }
  if (!status.setupRequired && !message) {
    try {
      session = await api('GET', '/api/auth/me', undefined, { expectUnauthorized: true });
    } catch (error) {
      if (error.status !== 401) {
        replace(main, h('p', { class: 'message error', role: 'alert' }, error.message));
        return;
      }
    }
  }
  if (session) {
    route();
    return;
  }
  document.title = 'Sign in · Heartgate';
  showSignIn(main, status.setupRequired, message, () => start());
}

async function signOut() {
  try {
    await api('POST', '/api/auth/logout', undefined, { expectUnauthorized: true });
  } catch {
    // Signed out either way: the session is gone or was already.
  }
  start({ kind: 'info', text: 'You are signed out.' });
}

onSessionEnded(() => {
  if (session) {
    start({ kind: 'warning', text: 'Your session has expired or was ended. Sign in again to continue.' });
  }
});
window.addEventListener('hashchange', route);
start();
