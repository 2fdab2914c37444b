import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MINUTE } from '../../../src/clock.js';
import { demoChat } from '../../helpers/services.js';
import { jpeg } from '../../helpers/images.js';

function photo(name: string, seed: number) {
  const path = join(mkdtempSync(join(tmpdir(), 'linli-photo-')), name);
  writeFileSync(path, jpeg(seed));
  return path;
}

describe('ticket photos reach the staff room', () => {
  it('with the announcement when sent with the report, and as their own notice when sent after', async () => {
    const demo = demoChat();
    const sent = await demo.chat.say({ room: 'grid-1', user: 'jin', text: '报事 3号楼路灯坏了', images: [photo('a.jpg', 1)] }).then(() => demo.sent);
    const announcement = sent.find((o) => o.room === 'grid-1-staff');
    expect(announcement?.images).toEqual([expect.stringMatching(/^files\/[0-9a-f]{2}\/[0-9a-f]{64}\.jpg$/)]);

    demo.clock.advance(MINUTE);
    const before = demo.sent.length;
    await demo.chat.say({ room: 'grid-1', user: 'jin', text: '', images: [photo('b.jpg', 7)] });
    const after = demo.sent.slice(before);
    expect(after.find((o) => o.room === 'grid-1')?.text).toContain('T1');
    const notice = after.find((o) => o.room === 'grid-1-staff');
    expect(notice?.text).toContain('T1');
    expect(notice?.images).toHaveLength(1);
    expect(notice?.images?.[0]).not.toBe(announcement?.images?.[0]);
  });
});
