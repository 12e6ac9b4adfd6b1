// "Does the live object already hold everything we would apply?" The server adds defaults and other managers'
// fields, so equality is the wrong test: every field we set must be present with the same value, and lists
// must have the same length (we own whole lists). Data in, boolean out.

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmpty(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  return isRecord(value) && Object.keys(value).length === 0;
}

/** True when every field of `wanted` (recursively) is in `actual` with an equal value. */
export function isSubset(wanted: unknown, actual: unknown): boolean {
  if (wanted === undefined) return true;
  // The server drops empty lists and maps (omitempty): absent is what an empty one reads back as.
  if (actual === undefined && isEmpty(wanted)) return true;
  if (Array.isArray(wanted)) {
    if (!Array.isArray(actual) || actual.length !== wanted.length) return false;
    return wanted.every((item, i) => isSubset(item, actual[i]));
  }
  if (isRecord(wanted)) {
    if (!isRecord(actual)) return false;
    return Object.entries(wanted).every(([key, value]) => isSubset(value, actual[key]));
  }
  return wanted === actual;
}
