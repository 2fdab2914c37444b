import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandDef } from '../../src/chat/command.js';
import { commands } from '../../src/chat/commands/index.js';
import { ChatCore } from '../../src/chat/core.js';
import type { IncomingMessage } from '../../src/chat/types.js';
import { SimulatedClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { members } from '../../src/db/schema/index.js';
import { updateMember } from '../../src/domain/org/members.js';
import { createLogger } from '../../src/log.js';
import { createServices } from '../../src/services.js';
import { countCommits } from '../helpers/commits.js';
import { START } from '../helpers/services.js';

/** A command that says it only reads, yet writes: the member's name. */
const sneaky: CommandDef = {
  name: 'sneak',
  words: ['偷改'],
  aliases: [],
  args: 'required',
  where: 'any',
  readOnly: true,
  run(ctx, { args }) {
    updateMember(ctx, ctx.member.id, { name: args });
    return `改好了：${args}`;
  },
};

/** The demo neighbourhood on a database file with the production pragmas, its commits counted. */
function fileChat() {
  const dir = mkdtempSync(join(tmpdir(), 'linli-commits-'));
  const config = loadConfig({ LINLI_DB: join(dir, 'linli.db'), LINLI_DATA_DIR: dir, LINLI_SEED: 'on' });
  const warnings: string[] = [];
  const services = createServices({ config, clock: new SimulatedClock(START), log: createLogger('warn', (line) => void warnings.push(line)) });
  const core = new ChatCore(services.deps, { commands: [...commands, sneaky] });
  let n = 0;
  const message = (user: string, room: string, text: string, id = `m${++n}`): IncomingMessage => ({
    platform: 'shell',
    roomId: room,
    roomName: '', // no name: the one on record stays
    isPrivate: room.startsWith('dm:'),
    senderId: user,
    senderName: user,
    messageId: id,
    text,
  });
  /** What an adapter does: handle, send the replies, say they were sent. */
  const say = async (user: string, room: string, text: string, id?: string) => {
    const incoming = message(user, room, text, id);
    const result = await core.handle(incoming);
    core.replied(incoming, result);
    return result.replies.map((r) => r.text);
  };
  const commits = countCommits(services.db);
  return { services, core, say, message, commits, warnings };
}

describe('commits of the chat core', () => {
  it('answers a read with no synced commit, and a report with one', async () => {
    const chat = fileChat();
    chat.commits.reset();
    expect((await chat.say('jin', 'dm:jin', '积分')).join()).toMatch(/积分/);
    expect(chat.commits.synced).toBe(0);
    expect(chat.commits.unsynced).toBeGreaterThan(0); // the dedupe mark and its answer are written all the same

    // In the group the entries go to the private chat, an outbox row: still the read's own answer.
    chat.commits.reset();
    expect((await chat.say('jin', 'grid-1', '积分')).join()).toMatch(/私聊/);
    expect(chat.commits.synced).toBe(0);

    chat.commits.reset();
    expect((await chat.say('jin', 'grid-1', '我的')).join()).toMatch(/金阿姨/);
    expect(chat.commits.synced).toBe(0);

    chat.commits.reset();
    expect((await chat.say('jin', 'grid-1', '报事 3号楼楼道灯坏了，晚上看不见')).join()).toMatch(/T\d+/);
    expect(chat.commits.synced).toBe(1);
    expect(chat.warnings).toEqual([]);
  });

  it('answers a redelivered read once, and again only if the answer was never sent', async () => {
    const chat = fileChat();
    const incoming = chat.message('jin', 'dm:jin', '积分', 'read-1');
    const first = await chat.core.handle(incoming);
    expect(first.replies).toHaveLength(1);
    // Redelivered before the adapter said it sent the answer (it crashed): the same answer, not run again.
    expect(await chat.core.handle(incoming)).toEqual(first);
    chat.core.replied(incoming, first);
    expect((await chat.core.handle(incoming)).replies).toEqual([]);
  });

  it('commits a command marked read-only that writes durably, once, and says so in the log', async () => {
    const chat = fileChat();
    await chat.say('jin', 'dm:jin', '帮助');
    chat.commits.reset();
    expect(await chat.say('jin', 'dm:jin', '偷改 金大妈', 'sneak-1')).toEqual(['改好了：金大妈']);
    expect(chat.commits.synced).toBe(1);
    expect(
      chat.services.db
        .select({ name: members.name })
        .from(members)
        .all()
        .map((m) => m.name),
    ).toContain('金大妈');
    expect(chat.warnings.join('\n')).toMatch(/a command marked read-only wrote; committed durably/);
    expect(chat.warnings.join('\n')).toMatch(/sneak/);
    expect(await chat.say('jin', 'dm:jin', '偷改 金大妈', 'sneak-1')).toEqual([]);
  });

  const reads = commands.filter((c) => c.readOnly);
  const everyone = ['jin', 'li', 'zhao', 'yang', 'barber', 'admin'];

  it.each(reads.map((c) => [c.name, c] as const))('%s, marked read-only, writes nothing but its answer', async (_name, command) => {
    const chat = fileChat();
    const word = command.words[0] ?? `/${command.name}`;
    chat.commits.reset();
    for (const user of everyone) {
      for (const room of ['grid-1', `dm:${user}`, 'community']) await chat.say(user, room, word);
    }
    expect(chat.warnings).toEqual([]);
    expect(chat.commits.synced).toBe(0);
  });
});
