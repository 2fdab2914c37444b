import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ticketPhotos } from '../../../src/db/schema/index.js';
import { probeCommands } from '../../helpers/probe-commands.js';
import { type TelegramHarness, telegramHarness, telegramNeighbourhood } from '../../helpers/telegram.js';

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5]);
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 9, 9, 9]);

const setup = () => {
  const h = telegramHarness({ ...probeCommands(), files: { big: JPEG, doc: PNG } });
  const zhang = h.updates.user(3001, '张大爷');
  const group = h.updates.supergroup(-100700, '3号楼');
  const sent = (from: number) => h.callsOf('sendMessage', from).map((c) => c.payload.text as string);
  return { h, zhang, group, sent };
};

describe('Telegram photos', () => {
  it('gives a command sent as a caption its photo, the largest size, stored by content', async () => {
    const { h, zhang, group, sent } = setup();
    await h.handle(h.updates.photo(zhang, group, 'big', '/snap 楼道堆物'));
    expect(sent(0)).toEqual(['楼道堆物：1 张 image/jpeg']);
    expect(h.callsOf('getFile').map((c) => c.payload.file_id)).toEqual(['big']);
    const hash = createHash('sha256').update(JPEG).digest('hex');
    expect(existsSync(join(h.services.config.dataDir, 'files', hash.slice(0, 2), `${hash}.jpg`))).toBe(true);
  });

  it('attaches a photo sent just after the command to it', async () => {
    const { h, zhang, group, sent } = setup();
    await h.say(zhang, group, '拍照 漏水');
    const from = h.calls.length;
    await h.handle(h.updates.photo(zhang, group, 'big'));
    expect(sent(from)).toEqual(['已添加 1 张照片到「漏水」']);
  });

  it('leaves a photo alone when nothing takes it, without downloading it', async () => {
    const { h, zhang, group } = setup();
    await h.handle(h.updates.photo(zhang, group, 'big'));
    expect(h.calls).toEqual([]);
  });

  it('takes an image sent as a file', async () => {
    const { h, zhang, group, sent } = setup();
    await h.handle(
      h.updates.message(zhang, group, undefined, {
        document: { file_id: 'doc', file_unique_id: 'udoc', mime_type: 'image/png', file_name: 'leak.png' },
        caption: '/snap 图',
        caption_entities: [{ type: 'bot_command', offset: 0, length: 5 }],
      }),
    );
    expect(sent(0)).toEqual(['图：1 张 image/png']);
  });

  it('still runs the command when the photo cannot be downloaded', async () => {
    const { h, zhang, group, sent } = setup();
    await h.handle(h.updates.photo(zhang, group, 'missing', '/snap 坏图'));
    expect(sent(0)).toEqual(['坏图：0 张']);
    expect(h.logged.join('\n')).toContain('could not load an attachment');
  });
});

describe('Telegram photos on tickets', () => {
  const BIG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 8, 8, 8, 8]);
  const MORE = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 9, 9, 9, 9]);
  const photosOf = (n: TelegramHarness, ticketId: number) =>
    n.services.db.select().from(ticketPhotos).where(eq(ticketPhotos.ticketId, ticketId)).all();

  it('attaches the largest size of a photo sent with /report as its caption, and one sent just after', async () => {
    const n = await telegramNeighbourhood({ files: { big: BIG, more: MORE } });
    await n.handle(n.updates.photo(n.users.jin, n.residents, 'big', '/report 3号楼楼道漏水'));
    const [reply] = n.callsOf('sendMessage', n.setupCalls).map((c) => c.payload.text as string);
    expect(reply).toContain('工单号 T1');
    expect(reply).toContain('已附上 1 张照片');
    // Telegram offers three sizes; only the largest is fetched.
    expect(n.callsOf('getFile', n.setupCalls).map((c) => c.payload.file_id)).toEqual(['big']);

    const from = n.calls.length;
    await n.handle(n.updates.photo(n.users.jin, n.residents, 'more'));
    expect(n.callsOf('sendMessage', from).map((c) => c.payload.text)).toEqual(['📷 已把 1 张照片附到 T1。']);
    const stored = photosOf(n, 1);
    expect(stored.map((p) => p.hash)).toEqual([BIG, MORE].map((b) => createHash('sha256').update(b).digest('hex')));
    for (const photo of stored) expect(existsSync(join(n.services.config.dataDir, photo.path))).toBe(true);

    await n.deliver();
    const card = n.messagesIn(n.staff.id).find((m) => m.text?.includes('工单 T1'));
    expect(card?.text).toContain('📷');
    // The staff group sees the photos themselves: the report's after its card, the later one after its notice.
    const uploads = n.callsOf('sendPhoto', from).filter((c) => String(c.payload.chat_id) === String(n.staff.id));
    expect(uploads).toHaveLength(2);
  });

  it('leaves a neighbour’s photo alone, and a reporter’s photo sent too late', async () => {
    const n = await telegramNeighbourhood({ files: { big: BIG, more: MORE } });
    await n.say(n.users.jin, n.residents, '/report 3号楼楼道漏水');
    const from = n.calls.length;
    await n.handle(n.updates.photo(n.users.wang, n.residents, 'big'));
    n.clock.advance(3 * 60_000);
    await n.handle(n.updates.photo(n.users.jin, n.residents, 'more'));
    expect(n.calls.slice(from)).toEqual([]);
    expect(photosOf(n, 1)).toEqual([]);
  });
});
