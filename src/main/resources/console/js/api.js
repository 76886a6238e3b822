// The JSON API, called exactly as scripts call it, with the session cookie. fetch() from the console's own page
// is same-origin, so the browser sends Sec-Fetch-Site: same-origin and the gateway's cross-site check passes.

/** A non-2xx answer: the contract's {"error","message"[,"details"]} plus the status and Retry-After. */
export class ApiError extends Error {
  constructor(status, body, retryAfter) {
    super((body && body.message) || `The gateway answered ${status}`);
    this.status = status;
    this.code = body && body.error;
    this.details = (body && body.details) || {};
    this.retryAfter = retryAfter == null ? null : Number(retryAfter);
  }
}

let sessionEnded = () => {};

/** Called when an answer says the session is gone (401), so the console can ask to sign in again. */
export function onSessionEnded(handler) {
  sessionEnded = handler;
}

/**
 * Calls the API and resolves with the parsed body (null for 204), or with the body's text when options.text is set
 * (a diff). Rejects with an ApiError; a 401 also ends the session in the console unless the caller expects it
 * (sign-in and start-up).
 */
export async function api(method, path, body, options = {}) {
  const init = { method, credentials: 'same-origin', cache: 'no-store',
    headers: { Accept: options.text ? 'text/x-diff, application/json' : 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = response.status === 204 ? '' : await response.text();
  if (response.ok && options.text) {
    return text;
  }
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { message: text };
    }
  }
  if (!response.ok) {
    const error = new ApiError(response.status, data, response.headers.get('Retry-After'));
    if (response.status === 401 && !options.expectUnauthorized) {
      sessionEnded(error);
    }
    throw error;
  }
  return data;
}

/** Builds a query string from the defined, non-empty values; an array repeats its parameter (?label=a&label=b). */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const one of Array.isArray(value) ? value : [value]) {
      if (one !== undefined && one !== null && one !== '') {
        search.append(key, String(one));
      }
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
