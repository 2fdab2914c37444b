import type { Context } from 'hono';
import { z } from '@hono/zod-openapi';
import type { Page } from './pagination.js';

/** `?format=csv` of the lists that office staff open in a spreadsheet. */
export const FormatQuery = z.object({
  format: z.enum(['json', 'csv']).default('json').openapi({ description: 'csv: the same page as CSV; the next page is in the Link header' }),
});

export type CsvValue = string | number | boolean | Date | null | undefined;

export interface CsvColumn<T> {
  header: string;
  value: (row: T) => CsvValue;
}

/** A spreadsheet would run a cell starting with these as a formula (CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

function cell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** RFC 4180: CRLF line ends, quoted where needed; a BOM so spreadsheet programs read Chinese as UTF-8. */
export function toCsv<T>(columns: readonly CsvColumn<T>[], rows: readonly T[]): string {
  const lines = [columns.map((c) => cell(c.header)), ...rows.map((row) => columns.map((c) => cell(c.value(row))))];
  return '\uFEFF' + lines.map((l) => l.join(',')).join('\r\n') + '\r\n';
}

/** The page as a CSV download; the next page's URL goes in a Link header (RFC 8288). */
export function csvResponse<T>(c: Context, filename: string, columns: readonly CsvColumn<T>[], page: Page<T>): Response {
  const headers: Record<string, string> = {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${filename}"`,
  };
  if (page.nextCursor) {
    const next = new URL(c.req.url);
    next.searchParams.set('cursor', page.nextCursor);
    headers.Link = `<${next.pathname}${next.search}>; rel="next"`;
  }
  return c.body(toCsv(columns, page.data), 200, headers);
}

/** The OpenAPI content of a list that also speaks CSV. */
export const jsonOrCsv = <T extends z.ZodType>(schema: T) => ({
  'application/json': { schema },
  'text/csv': { schema: z.string().openapi({ description: 'The same rows as CSV, with a header line' }) },
});
