/**
 * Chat fuzz: twenty thousand generated messages through ChatCore.handle in-process, and a smaller batch
 * (with malformed lines) through the shell chat's --jsonl process. Nothing may throw or kill the process;
 * every reply is a non-empty string that shows no internals; nothing ends in the internal-error reply.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SHELL_BOT_NAMES } from '../../bots/shell/shell.js';
import { SHELL } from '../../src/chat/demo.js';
import { openDatabase } from '../../src/db/client.js';
import { reconcile } from '../../src/domain/ledger/reconcile.js';
import { renderMessage } from '../../src/i18n/index.js';
import { demoServices } from '../helpers/services.js';
import { badReply, type FuzzMessage, message, saidIn } from './messages.js';
import { ShellProc } from './procs.js';

const SEED = 20_13;
const INTERNAL = new Set([renderMessage('zh', 'error.internal'), renderMessage('en', 'error.internal')]);

/** The message as a reproducible line for a failure report (huge texts shortened). */
const shown = (m: FuzzMessage) => JSON.stringify({ ...m, text: m.text.length > 200 ? `${m.text.slice(0, 60)}… (${m.text.length} chars)` : m.text });

describe('chat fuzz', () => {
  it('20,000 generated messages through ChatCore.handle: no throw, every reply a clean non-empty string', async () => {
    const { services } = demoServices();
    const messages = fc.sample(message, { seed: SEED, numRuns: 20_000 });
    const said = saidIn(messages);
    const failures: string[] = [];
    let replies = 0;
    for (const [i, m] of messages.entries()) {
      try {
        const result = await services.core.handle({
          platform: SHELL,
          roomId: m.room,
          roomName: m.room,
          isPrivate: m.room.startsWith('dm:'),
          senderId: m.user,
          senderName: m.name || m.user,
          messageId: m.id,
          text: m.text,
          botNames: SHELL_BOT_NAMES,
          mentioned: m.mentioned,
          inReplyToBot: m.inReplyToBot,
        });
        for (const reply of result.replies) {
          replies++;
          const bad = INTERNAL.has(reply.text) ? 'the internal-error reply' : badReply(reply.text, said);
          if (bad) failures.push(`#${i} ${bad} → ${JSON.stringify(reply.text.slice(0, 200))} for ${shown(m)}`);
        }
      } catch (error) {
        failures.push(`#${i} threw ${error instanceof Error ? error.message : String(error)} for ${shown(m)}`);
      }
    }
    expect(failures.slice(0, 10), `${failures.length} bad of ${messages.length} (seed ${SEED})`).toEqual([]);
    // The fuzz reached the commands, not only the "did not understand" reply.
    expect(replies).toBeGreaterThan(5_000);
    expect(reconcile(services.db)).toMatchObject({ ok: true });
    await services.close();
  });

  it('the shell chat process survives malformed lines and generated messages, and answers after them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'linli-chaos-fuzz-'));
    const shell = new ShellProc(join(dir, 'linli.db'));
    const generated = fc.sample(message, { seed: SEED + 1, numRuns: 400 });
    const malformed = fc.sample(
      fc.oneof(
        fc.constantFrom(
          '{',
          '}',
          '[]',
          'null',
          '42',
          '"text"',
          '{"room": 1, "user": "jin", "text": "帮助"}',
          '{"room": "grid-1"}',
          '{"room": "grid-1", "user": "", "text": "帮助"}',
          '{"room": "grid-1", "user": "jin", "text": 5}',
          '{"room": "grid-1", "user": "jin", "text": "帮助", "images": "no"}',
          '{"room": "grid-1", "user": "jin", "text": "帮助", "images": ["/nonexistent.png"]}',
          '{"room": "grid-1", "user": "jin", "text": "帮助", "id": {"a": 1}}',
          '{"advance": "PT1H"}',
          '{"advance": 5}',
          '{"__proto__": {"room": "grid-1"}}',
          '{"room": "grid-1", "user": "jin", "text": "\\ud800"}',
          '\u0000\u0001\u0002',
          '\ufeff{"room": "grid-1", "user": "jin", "text": "帮助"}',
        ),
        fc.string({ unit: 'binary', maxLength: 80 }).map((s) => s.replace(/\n|\r/g, ' ')),
        fc.jsonValue().map((v) => JSON.stringify(v)),
      ),
      { seed: SEED + 2, numRuns: 100 },
    );
    const said = saidIn([...generated, ...malformed.map((text) => ({ text }))]);
    const failures: string[] = [];
    const check = (caused: Awaited<ReturnType<ShellProc['raw']>>, input: string) => {
      if (caused === undefined) {
        failures.push(`the process died after ${input.slice(0, 200)}: ${shell.proc.stderr.slice(-2000)}`);
        return false;
      }
      for (const out of caused) {
        const bad = INTERNAL.has(out.text) ? 'the internal-error reply' : badReply(out.text, said);
        if (out.room === '?') failures.push(`a line that is not JSON: ${out.text.slice(0, 200)} after ${input.slice(0, 200)}`);
        else if (bad) failures.push(`${bad} → ${JSON.stringify(out.text.slice(0, 200))} after ${input.slice(0, 200)}`);
      }
      return true;
    };
    for (let i = 0; i < generated.length; i++) {
      const m = generated[i]!;
      if (!check(await shell.say(m.room, m.user, m.text, m.id), JSON.stringify(m))) break;
      const bad = malformed[i % malformed.length]!;
      if (i % 4 === 0 && !check(await shell.raw(bad), bad)) break;
    }
    // Still there, and still answering.
    const help = await shell.say('grid-1', 'jin', '帮助');
    expect(failures.slice(0, 10), `${failures.length} bad (seed ${SEED + 1})`).toEqual([]);
    expect(help?.[0]?.text).toContain('报事');
    shell.proc.child.stdin.end();
    const exit = await shell.proc.exited;
    // It rejected the malformed lines (exit 1) and said why on stderr, one line each, without a stack trace.
    expect(exit).toEqual({ code: 1, signal: null });
    const complaints = shell.proc.stderr.split('\n').filter(Boolean);
    expect(complaints.filter((l) => !/^line \d+: /.test(l))).toEqual([]);
    const db = openDatabase(join(dir, 'linli.db'), { migrate: false });
    expect(reconcile(db)).toMatchObject({ ok: true });
    db.$client.close();
  });

  // Skipped until the fix in progress for ChatCore's #context lands (issue 13: "process crash on errors in
  // ChatCore #context"): a stranger whose display name (or, with no name, id) is blank (" ", "\n", a BOM) makes resolveSender refuse
  // with INVALID_INPUT member.nameRequired outside #once's error boundary, so handle() throws, and the shell
  // chat process dies with a stack trace. Reproduce: core.handle({ ..., senderId: 'stranger', senderName: ' ',
  // text: '帮助' }), or `echo '{"room":"grid-1","user":"stranger","name":" ","text":"帮助"}' | npm run chat -- --jsonl`.
  it.skip('a stranger with a blank name or id gets an answer, and the shell chat lives on (waits for the #context fix)', async () => {
    const { services } = demoServices();
    for (const [id, name] of [' ', '\n', '\ufeff', '\u200b', '\t '].flatMap((blank, i) => [
      [`stranger-${i}`, blank],
      [blank, blank],
    ])) {
      const result = await services.core.handle({
        platform: SHELL,
        roomId: 'grid-1',
        roomName: 'grid-1',
        isPrivate: false,
        senderId: id!,
        senderName: name!,
        messageId: `blank-${id}-${name}`,
        text: '帮助',
        botNames: SHELL_BOT_NAMES,
      });
      expect(result.replies[0]?.text).toBeTruthy();
    }
    const shell = new ShellProc(join(mkdtempSync(join(tmpdir(), 'linli-chaos-blank-')), 'linli.db'));
    expect(await shell.raw(JSON.stringify({ room: 'grid-1', user: 'stranger', name: ' ', text: '帮助' }))).toBeDefined();
    await shell.proc.kill();
  });
});
