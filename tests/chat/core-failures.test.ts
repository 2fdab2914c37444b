import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from '../../src/chat/types.js';
import { openDatabase } from '../../src/db/client.js';
import { members } from '../../src/db/schema/index.js';
import { translator } from '../../src/i18n/index.js';
import { testServices } from '../helpers/services.js';

const said = (text: string, extra: Partial<IncomingMessage> = {}): IncomingMessage => ({
  platform: 'shell',
  roomId: 'grid-1',
  roomName: 'grid-1',
  isPrivate: false,
  senderId: 'jin',
  senderName: '金阿姨',
  messageId: `m-${text}-${Math.random()}`,
  text,
  ...extra,
});

describe('chat core failures outside a command', () => {
  it('answers a message whose sender and room cannot be recorded (the database locked), and handles the next one', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'linli-core-')), 'linli.db');
    const services = testServices({ db: openDatabase(file) });
    services.db.$client.pragma('busy_timeout = 10');
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    const locked = await services.core.handle(said('/me'));
    expect(locked.replies.map((r) => r.text)).toEqual([translator('zh')('error.internal')]);
    other.exec('COMMIT');
    other.close();
    const next = await services.core.handle(said('/me'));
    expect(next.replies[0]?.text).toContain('金阿姨');
    await services.close();
  });

  it('answers a sender whose name and id are blank instead of failing, and names a nameless sender by their id', async () => {
    const services = testServices();
    const blank = await services.core.handle(said('/me', { senderId: ' ', senderName: ' ' }));
    expect(blank.replies).toHaveLength(1);
    const nameless = await services.core.handle(said('/me', { senderId: 'u-42', senderName: '  ' }));
    expect(nameless.replies[0]?.text).toContain('u-42');
    expect(services.db.select({ name: members.name }).from(members).all()).toEqual([{ name: 'u-42' }]);
  });
});
