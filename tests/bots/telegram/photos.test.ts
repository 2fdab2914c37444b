import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeCommands } from '../../helpers/probe-commands.js';
import { telegramHarness } from '../../helpers/telegram.js';

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
