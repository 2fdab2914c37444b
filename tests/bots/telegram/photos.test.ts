import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ticketPhotos } from '../../../src/db/schema/index.js';
import { probeCommands } from '../../helpers/probe-commands.js';
import { type TelegramHarness, telegramHarness, telegramNeighbourhood } from '../../helpers/telegram.js';
import { jpeg, png } from '../../helpers/images.js';

const JPEG = jpeg(1);
const PNG = png(9);

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
  const BIG = jpeg(8);
  const MORE = jpeg(9);
  const photosOf = (n: TelegramHarness, ticketId: number) => n.services.db.select().from(ticketPhotos).where(eq(ticketPhotos.ticketId, ticketId)).all();

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

describe('Telegram albums', () => {
  const PHOTOS = { a: jpeg(11), b: jpeg(12), c: jpeg(13) };
  const photosOf = (n: TelegramHarness, ticketId: number) => n.services.db.select().from(ticketPhotos).where(eq(ticketPhotos.ticketId, ticketId)).all();
  const texts = (n: TelegramHarness, from: number) => n.callsOf('sendMessage', from).map((c) => c.payload.text as string);

  it.each([
    ['on the first photo', 0],
    ['on a later photo', 2],
  ])('answers an album with /report as its caption %s once, with all its photos on the ticket', async (_, captionAt) => {
    const n = await telegramNeighbourhood({ files: PHOTOS });
    const album = n.updates.album(n.users.jin, n.residents, ['a', 'b', 'c'], '/report 3号楼楼道漏水', captionAt);
    await n.handleAll(album);
    const replies = texts(n, n.setupCalls);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain('工单号 T1');
    expect(replies[0]).toContain('已附上 3 张照片');
    expect(photosOf(n, 1)).toHaveLength(3);
    // The reply answers the photo that said it.
    expect(n.callsOf('sendMessage', n.setupCalls)[0]!.payload.reply_parameters.message_id).toBe(album[captionAt]!.message!.message_id);
  });

  it('attaches an album sent just after the report in one go, with one notice', async () => {
    const n = await telegramNeighbourhood({ files: PHOTOS });
    await n.say(n.users.jin, n.residents, '/report 3号楼楼道漏水');
    const from = n.calls.length;
    await n.handleAll(n.updates.album(n.users.jin, n.residents, ['a', 'b', 'c']));
    expect(texts(n, from)).toEqual(['📷 已把 3 张照片附到 T1。']);
    expect(photosOf(n, 1)).toHaveLength(3);
  });

  it('answers what was said after an album after it, and keeps albums of different chats apart', async () => {
    const { h, zhang, group, sent } = setup();
    const other = h.updates.supergroup(-100701, '4号楼');
    const ours = h.updates.album(zhang, group, ['big', 'big'], '/snap 楼道');
    const theirs = h.updates.album(zhang, other, ['big', 'big', 'big'], '/snap 车棚');
    const after = h.updates.message(zhang, group, '/snap 再来');
    await h.handleAll([ours[0]!, theirs[0]!, ours[1]!, after, theirs[1]!, theirs[2]!]);
    const inChat = (id: number) =>
      h
        .callsOf('sendMessage')
        .filter((c) => Number(c.payload.chat_id) === id)
        .map((c) => c.payload.text);
    expect(inChat(group.id)).toEqual(['楼道：2 张 image/jpeg,image/jpeg', '再来：0 张']);
    expect(inChat(other.id)).toEqual(['车棚：3 张 image/jpeg,image/jpeg,image/jpeg']);
    expect(sent(0)).toHaveLength(3);
  });

  it('takes a photo of the album that comes after the others were handled on its own', async () => {
    const { h, zhang, group, sent } = setup();
    const [first, late] = h.updates.album(zhang, group, ['big', 'big'], '/snap 漏水');
    await h.handle(first!);
    await h.handle(late!);
    expect(sent(0)).toEqual(['漏水：1 张 image/jpeg', '已添加 1 张照片到「漏水」']);
  });

  it('handles an album delivered again once', async () => {
    const { h, zhang, group, sent } = setup();
    const album = h.updates.album(zhang, group, ['big', 'big'], '/snap 漏水');
    await h.handleAll(album);
    // Redelivered after a restart: new update ids, the same messages.
    await h.handleAll(album.map((update) => ({ ...update, update_id: h.updates.nextUpdateId() })));
    expect(sent(0)).toEqual(['漏水：2 张 image/jpeg,image/jpeg']);
  });
});
