/** "1 ticket", "2 tickets": English counts with the noun in the right number (Chinese needs none). */
export function plural(count: unknown, one: string, many = `${one}s`): string {
  return `${count} ${Number(count) === 1 ? one : many}`;
}
