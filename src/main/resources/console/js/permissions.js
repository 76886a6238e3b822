// The contract's permissions as a grid of resources × actions, and the token presets.

export const ACTIONS = ['read', 'write', 'delete'];

/** [resource, label, actions it has] in the contract's order. */
export const RESOURCES = [
  ['configs', 'Configs', ['read', 'write', 'delete']],
  ['agents', 'Agents', ['read', 'write', 'delete']],
  ['heartbeat', 'Heartbeat', ['read', 'write']],
  ['reporting-rules', 'Reporting rules', ['read', 'write', 'delete']],
  ['tokens', 'Tokens', ['read', 'write', 'delete']],
  ['users', 'Users', ['read', 'write', 'delete']],
  ['settings', 'Settings', ['read', 'write']],
  ['audit', 'Audit', ['read']],
  ['metrics', 'Metrics', ['read']],
  ['labels', 'Labels', ['read', 'write', 'delete']],
  ['constants', 'Constants', ['read', 'write', 'delete']],
  ['config-groups', 'Config groups', ['read', 'write', 'delete']],
];

/** [value sent as "permissions", label, what it grants]; "custom" sends the ticked boxes instead. */
export const PRESETS = [
  ['full', 'Full', 'everything your role allows'],
  ['read-only', 'Read-only', 'every read permission your role has'],
  ['telegraf-agent', 'Telegraf Agent', 'Configs: Read and Heartbeat: Write, what an agent needs'],
  ['custom', 'Custom permissions', 'tick what the token may do'],
];

/** Roles that see and manage every user's tokens (the others see only their own). */
export function managesAllTokens(role) {
  return role === 'owner' || role === 'administrator';
}
