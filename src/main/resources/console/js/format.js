// How times, states and permissions read on screen.

function pad(n) {
  return String(n).padStart(2, '0');
}

/** "2026-12-02 14:05" in the browser's time zone, or the fallback for no value. */
export function dateTime(iso, fallback = '—') {
  if (!iso) {
    return fallback;
  }
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) {
    return String(iso);
  }
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "3 min ago", "2 h ago", "5 d ago". */
export function ago(iso) {
  if (!iso) {
    return 'never';
  }
  const seconds = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  if (seconds < 60) {
    return `${seconds} s ago`;
  }
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)} min ago`;
  }
  if (seconds < 86400) {
    return `${Math.floor(seconds / 3600)} h ago`;
  }
  return `${Math.floor(seconds / 86400)} d ago`;
}

export const AGENT_STATUS = [['ok', 'OK'], ['warn', 'Warn'], ['fail', 'Fail'], ['undefined', 'Undefined'],
  ['not_reporting', 'Not reporting']];

export function agentStatus(status) {
  const found = AGENT_STATUS.find(([value]) => value === status);
  return found ? found[1] : String(status);
}

/** "1 h 30 min" for a number of seconds. */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) {
    return 'never';
  }
  const parts = [];
  let rest = Number(seconds);
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['min', 60], ['s', 1]]) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)} ${unit}`);
      rest %= size;
    }
  }
  return parts.length ? parts.join(' ') : '0 s';
}

export function capitalized(text) {
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}
