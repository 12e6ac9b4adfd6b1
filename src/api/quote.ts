// User-supplied values quoted in messages (Events, status): cut so that one long annotation cannot flood them.

/** Characters of a user value kept in a message. */
export const MAX_QUOTED_LENGTH = 100;

/** `value` as a JSON string literal, cut to MAX_QUOTED_LENGTH characters (code points) with an ellipsis. */
export function quote(value: string): string {
  const chars = [...value];
  const cut = chars.length > MAX_QUOTED_LENGTH ? `${chars.slice(0, MAX_QUOTED_LENGTH).join('')}…` : value;
  return JSON.stringify(cut);
}
