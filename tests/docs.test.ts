import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { commands } from '../src/chat/commands/index.js';
import { API_BASE } from '../src/http/api.js';
import { STATUS_OF } from '../src/http/problem.js';
import { scheduleTable } from '../src/jobs/schedule.js';
import { apiHarness } from './http/harness.js';

/**
 * The docs say what the code has: every command, environment variable, API route and job is named in its
 * page, and every link between the pages lands. Each check lists everything missing at once.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** The text of every `code span` in a Markdown page (fenced blocks count as text, not spans). */
function codeSpans(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '');
  return [...prose.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!.trim());
}

/** A span names `token` when it is the token, or starts with it followed by a space, `!` or `<`. */
const named = (spans: readonly string[], token: string) => spans.some((s) => s === token || (s.startsWith(token) && /^[\s!<]/.test(s.slice(token.length))));

describe('docs/chat-guide.md', () => {
  const spans = codeSpans(read('docs/chat-guide.md'));

  it('names every command of the registry: each Chinese word, its /name and each English alias', () => {
    const missing = commands.flatMap((command) =>
      [...command.words, `/${command.name}`, ...command.aliases.map((a) => `/${a}`)]
        .filter((token) => !named(spans, token))
        .map((token) => `${command.name}: ${token}`),
    );
    expect(commands.length).toBeGreaterThan(30);
    expect(missing, 'commands the chat guide does not name in a `code span`').toEqual([]);
  });
});

/** The environment variables src/config.ts reads: the keys of its zod object schemas, and any process.env.X. */
function configVariables(): string[] {
  const file = 'src/config.ts';
  const source = ts.createSourceFile(file, read(file), ts.ScriptTarget.Latest, true);
  const found = new Set<string>();
  const isEnvName = (name: string) => /^[A-Z][A-Z0-9_]*$/.test(name);
  const visit = (node: ts.Node) => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === 'object' &&
      node.arguments[0] &&
      ts.isObjectLiteralExpression(node.arguments[0])
    ) {
      for (const property of node.arguments[0].properties) {
        const name = property.name && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)) ? property.name.text : undefined;
        if (name && isEnvName(name)) found.add(name);
      }
    }
    if (ts.isPropertyAccessExpression(node) && node.expression.getText(source) === 'process.env') found.add(node.name.text);
    if (ts.isElementAccessExpression(node) && node.expression.getText(source) === 'process.env' && ts.isStringLiteral(node.argumentExpression)) {
      found.add(node.argumentExpression.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return [...found];
}

describe('docs/configuration.md', () => {
  it('names every environment variable src/config.ts reads', () => {
    const variables = configVariables();
    // A schema the extraction no longer understands must fail here, not pass with nothing to check.
    expect(variables).toEqual(expect.arrayContaining(['LINLI_DB', 'PORT', 'TELEGRAM_BOT_TOKEN', 'LINLI_WECHAT']));
    const spans = codeSpans(read('docs/configuration.md'));
    const missing = variables.filter((name) => !spans.includes(name));
    expect(missing, 'variables of src/config.ts that docs/configuration.md does not list').toEqual([]);
  });
});

describe('docs/admin-api.md', () => {
  const doc = read('docs/admin-api.md');
  const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  /** "GET /units" must not count as documented just because "GET /units/{id}" is. */
  const documented = (method: string, path: string) => new RegExp(`${method} ${escapeRegExp(path)}(?![\\w/{.-])`).test(doc);

  it('names every route of the OpenAPI document, with its method', async () => {
    const h = apiHarness();
    const openapi = (await h.call('GET', `${API_BASE}/openapi.json`)).body as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(openapi.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => ({ method: method.toUpperCase(), path })),
    );
    expect(routes.length).toBeGreaterThan(40);
    const missing = routes.filter((r) => !documented(r.method, r.path)).map((r) => `${r.method} ${r.path}`);
    expect(missing, 'API routes docs/admin-api.md does not name as "METHOD /path"').toEqual([]);
  });

  it('names every route the HTTP app serves outside the API, with its full path', async () => {
    const h = apiHarness();
    const openapi = (await h.call('GET', `${API_BASE}/openapi.json`)).body as { paths: Record<string, unknown> };
    const api = new Set(Object.keys(openapi.paths).map((p) => API_BASE + p.replace(/\{(\w+)\}/g, ':$1')));
    const others = h.app.routes.filter((r) => r.method !== 'ALL' && !api.has(r.path));
    expect(others.length).toBeGreaterThan(0);
    const missing = others.filter((r) => !documented(r.method, r.path)).map((r) => `${r.method} ${r.path}`);
    expect(missing, 'routes outside the API that docs/admin-api.md does not name').toEqual([]);
  });

  it('names every problem code', () => {
    const spans = codeSpans(doc);
    const missing = Object.keys(STATUS_OF).filter((code) => !spans.includes(code));
    expect(missing, 'problem codes docs/admin-api.md does not list').toEqual([]);
  });
});

describe('docs/operations.md', () => {
  it('lists every scheduled job with its default cron expression', () => {
    const lines = read('docs/operations.md').split('\n');
    const missing = scheduleTable()
      .filter((job) => !lines.some((line) => line.includes(`\`${job.name}\``) && line.includes(`\`${job.cron}\``)))
      .map((job) => `${job.name} (${job.cron})`);
    expect(missing, 'jobs of src/jobs/schedule.ts that docs/operations.md does not list with their cron').toEqual([]);
  });
});

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '');
  for (const [, heading] of prose.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = heading!
      .replace(/`/g, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    let anchor = base;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${base}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

/** Relative links of a Markdown page that do not land on an existing file (and heading, when they name one). */
function brokenLinks(page: string): string[] {
  const prose = read(page).replace(/^```[\s\S]*?^```/gm, '');
  const broken: string[] = [];
  for (const [, target] of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/i.test(target!)) continue;
    const [file, anchor] = target!.split('#') as [string, string | undefined];
    const path = file ? join(dirname(join(ROOT, page)), decodeURIComponent(file)) : join(ROOT, page);
    if (!existsSync(path)) {
      broken.push(`${page}: ${target} (no file ${relative(ROOT, path)})`);
    } else if (anchor && path.endsWith('.md') && !anchorsOf(readFileSync(path, 'utf8')).has(decodeURIComponent(anchor))) {
      broken.push(`${page}: ${target} (no heading #${anchor})`);
    }
  }
  return broken;
}

describe('shell chat command lines', () => {
  // npm prints its own "> linli@… chat" banner on stdout unless told -s: a script reading JSON lines
  // would choke on the first two.
  it.each(['README.md', 'docs/chat-guide.md', 'docs/operations.md', 'docs/admin-api.md'])('in %s run the JSON stream with npm run -s', (page) => {
    const noisy = read(page)
      .split('\n')
      .filter((line) => /npm run (?!-s )\S+.*--jsonl/.test(line));
    expect(noisy).toEqual([]);
  });
});

describe('links', () => {
  const DOCS = ['architecture.md', 'admin-api.md', 'chat-guide.md', 'configuration.md', 'operations.md', 'telegram.md', 'wechat.md', '使用指南.md'];

  it('README links every page of docs/, and each of its links lands', () => {
    const readme = read('README.md');
    const unlinked = DOCS.filter((page) => !readme.includes(`](docs/${page}`));
    expect(unlinked, 'docs/ pages the README does not link').toEqual([]);
    expect(brokenLinks('README.md'), 'README links that do not land').toEqual([]);
  });

  it.each(DOCS)('docs/%s exists and its links land', (page) => {
    expect(existsSync(join(ROOT, 'docs', page))).toBe(true);
    expect(brokenLinks(`docs/${page}`), `links of docs/${page} that do not land`).toEqual([]);
  });
});
