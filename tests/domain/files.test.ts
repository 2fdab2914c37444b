import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storeFile } from '../../src/domain/files.js';

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);

describe('storeFile', () => {
  it('stores an image by its content hash, with the extension of its type', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'linli-files-'));
    const stored = await storeFile(dir, JPEG);
    expect(stored).toMatchObject({ mimeType: 'image/jpeg', size: JPEG.byteLength });
    expect(stored.path).toBe(join('files', stored.hash.slice(0, 2), `${stored.hash}.jpg`));
    expect(new Uint8Array(readFileSync(join(dir, stored.path)))).toEqual(JPEG);
  });

  it('stores the same image sent from several chats at once, once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'linli-files-'));
    const stored = await Promise.all(Array.from({ length: 5 }, () => storeFile(dir, JPEG)));
    expect(new Set(stored.map((s) => s.path)).size).toBe(1);
    expect(readdirSync(join(dir, 'files', stored[0]!.hash.slice(0, 2)))).toEqual([`${stored[0]!.hash}.jpg`]);
  });
});
