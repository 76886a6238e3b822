// The alias field of a config or a config group, and the URLs an alias gives.

export const ALIAS_HINT = 'Optional: 3 to 63 characters of a-z, 0-9 and -, for a short download URL (/c/<alias>) '
  + 'that stays the same whatever the id. Configs and groups share one set of aliases.';

/** What the API is sent for the field's text: the alias, or null (none; on a PATCH this removes it). */
export function aliasValue(input) {
  const text = input.value.trim();
  return text === '' ? null : text;
}

/** The short URL of an alias on this gateway, with the query string (without "?") when one is given. */
export function shortUrl(alias, queryString) {
  return `${location.origin}/c/${encodeURIComponent(alias)}${queryString ? `?${queryString}` : ''}`;
}
