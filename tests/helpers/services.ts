import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ShellChat, type ShellOutput } from '../../bots/shell/shell.js';
import { type Clock, SimulatedClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { type Ctx, memberActor } from '../../src/domain/context.js';
import { createBindingCode } from '../../src/domain/org/binding-codes.js';
import { seedDemo, type DemoIds } from '../../src/domain/seed/demo.js';
import { silentLogger } from '../../src/log.js';
import { createServices, type Services } from '../../src/services.js';
import { openDatabaseImage, type Db } from '../../src/db/client.js';
import { freshDb } from './db.js';

export const START = new Date('2026-03-02T09:00:00+08:00');

export function testServices(options: { clock?: Clock; env?: Record<string, string>; db?: Db } = {}): Services {
  const dataDir = mkdtempSync(join(tmpdir(), 'linli-test-'));
  const config = loadConfig({ LINLI_DB: ':memory:', LINLI_DATA_DIR: dataDir, LINLI_SEED: 'off', ...options.env });
  return createServices({ config, db: options.db ?? freshDb(), clock: options.clock ?? new SimulatedClock(START), log: silentLogger });
}

let demoImage: { image: Buffer; ids: DemoIds } | undefined;

/**
 * Services over a fresh copy of the demo neighbourhood. The demo is seeded once per test worker (at START)
 * and copied, which keeps hundreds of tests from paying for the seed each.
 */
export function demoServices(options: { clock?: Clock; env?: Record<string, string> } = {}): { services: Services; ids: DemoIds } {
  if (!demoImage) {
    const seeding = testServices();
    const ids = seedDemo(seeding.deps);
    demoImage = { image: seeding.db.$client.serialize(), ids };
    seeding.db.$client.close();
  }
  return { services: testServices({ ...options, db: openDatabaseImage(demoImage.image) }), ids: structuredClone(demoImage.ids) };
}

/** A demo neighbourhood and a shell chat to talk to it, with everything the bot sent recorded. */
export interface DemoChat {
  services: Services;
  ids: DemoIds;
  clock: SimulatedClock;
  chat: ShellChat;
  sent: ShellOutput[];
  /** Says `text` as `user` in `room`; returns what the bot sent because of it (replies and deliveries). */
  say(user: string, room: string, text: string, extra?: { id?: string; name?: string }): Promise<ShellOutput[]>;
  /** Moves the simulated clock, running the jobs due; returns what the bot sent meanwhile. */
  advance(ms: number): Promise<ShellOutput[]>;
  /** The texts of what `say` returned that went to `room`. */
  textsIn(outputs: ShellOutput[], room: string): string[];
  system: Ctx;
}

export function demoChat(options: { start?: Date } = {}): DemoChat {
  const clock = new SimulatedClock(options.start ?? START);
  const { services, ids } = demoServices({ clock });
  const sent: ShellOutput[] = [];
  const chat = new ShellChat(services, (out) => sent.push(out), clock);
  return {
    services,
    ids,
    clock,
    chat,
    sent,
    async say(user, room, text, extra = {}) {
      const before = sent.length;
      await chat.say({ room, user, text, ...extra });
      return sent.slice(before);
    },
    async advance(ms) {
      const before = sent.length;
      await chat.advance(ms);
      return sent.slice(before);
    },
    textsIn: (outputs, room) => outputs.filter((o) => o.room === room).map((o) => o.text),
    system: { ...services.deps, actor: { kind: 'system', job: 'test' } },
  };
}

/**
 * A link code the member made themselves (关联码 in a chat they already use): it links another account in
 * one step, where a code a token made would wait for their confirmation.
 */
export const ownLinkCode = (ctx: Ctx, memberId: number): string => createBindingCode({ ...ctx, actor: memberActor(memberId) }, { memberId }).code;
