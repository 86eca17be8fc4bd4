// Helpers for JSON that comes from users or files: measured and described without recursing into it.

/**
 * Deepest array/object nesting of JSON text (strings skipped), found without parsing it: input
 * nested thousands deep would otherwise overflow the stack of whatever walks the parsed value.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) max = Math.max(max, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/**
 * A short JSON rendering of an untrusted value for error messages: at most `depth` levels of arrays
 * and objects (deeper ones shown as […] / {…}) and about 80 characters, so a value nested thousands
 * deep can be described without recursing into it.
 */
export function jsonPreview(value: unknown, depth = 3): string {
  const render = (v: unknown, d: number): string => {
    if (Array.isArray(v)) return d === 0 ? '[…]' : `[${v.slice(0, 8).map((x) => render(x, d - 1)).join(',')}${v.length > 8 ? ',…' : ''}]`;
    if (typeof v === 'object' && v !== null) {
      if (d === 0) return '{…}';
      const entries = Object.entries(v);
      return `{${entries.slice(0, 8).map(([k, x]) => `${JSON.stringify(k)}:${render(x, d - 1)}`).join(',')}${entries.length > 8 ? ',…' : ''}}`;
    }
    return v === undefined ? 'nothing' : typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null ? JSON.stringify(v) : String(v);
  };
  const shown = render(value, depth);
  return shown.length > 80 ? `${shown.slice(0, 80)}…` : shown;
}
