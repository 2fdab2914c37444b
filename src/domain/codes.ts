import { randomInt } from 'node:crypto';

/** Letters and digits a person can read aloud and type without confusing 0/O, 1/I/L or 5/S. */
export const CODE_ALPHABET = '2346789ABCDEFGHJKMNPQRTUVWXYZ';

export function randomCode(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return out;
}

/** What a person typed, made comparable: case and spaces/dashes do not matter. */
export function normalizeCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '');
}
