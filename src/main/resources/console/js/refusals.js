// An API refusal that names records (the configs using a constant or clashing in a group, the config a constant's
// value would break, the groups holding a config): the gateway's message, then a link to each record's page.
import { h, replace, showMessage, isolate } from './dom.js';

/** The records the refusal names, each with the console route of its page. */
function namedRecords(details) {
  const records = [];
  const add = (list, route, label) => {
    if (list.length) {
      records.push([label, route, list]);
    }
  };
  const configs = Array.isArray(details.configs) ? details.configs
    : (details.config && typeof details.config === 'object' ? [details.config] : []);
  add(configs.filter((c) => c && c.id), 'configs', configs.length === 1 ? 'Config' : 'Configs');
  const groups = Array.isArray(details.groups) ? details.groups : [];
  add(groups.filter((g) => g && g.id), 'config-groups', groups.length === 1 ? 'Config group' : 'Config groups');
  return records;
}

/** Shows the error in box: its message (after prefix), and links to the records its details name. */
export function showRefusal(box, error, prefix = '') {
  showMessage(box, 'error', '');
  const records = namedRecords(error.details || {});
  replace(box, `${prefix}${error.message}`, ...records.map(([label, route, list]) => h('div', {
    class: 'named-records', dataset: { route } }, `${label}: `, ...list.flatMap((record, i) => [i ? ', ' : null,
    h('a', { href: `#/${route}/${encodeURIComponent(record.id)}`, dataset: { id: record.id } },
      isolate(record.name || record.id))]))));
}
