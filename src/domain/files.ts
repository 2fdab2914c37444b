import { createHash, randomUUID } from 'node:crypto';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface StoredFile {
  /** sha256 of the bytes, hex: the file's name, so the same photo sent twice is stored once. */
  hash: string;
  /** Path relative to the data directory. */
  path: string;
  mimeType: string;
  size: number;
}

/** A Map: the type comes from the sender's platform, and `__proto__` must not find anything. */
const EXTENSIONS = new Map([
  ['image/jpeg', 'jpg'],
  ['image/png', 'png'],
  ['image/gif', 'gif'],
  ['image/webp', 'webp'],
]);

/** Sniffs the common image formats, for platforms that do not say what they sent. */
export function sniffImageType(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png';
  if (bytes[0] === 0x47 && bytes[1] === 0x49 && bytes[2] === 0x46) return 'image/gif';
  if (bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50) return 'image/webp';
  return undefined;
}

/** Keeps uploaded images under `<dataDir>/files/`, named by content hash. */
export async function storeFile(dataDir: string, bytes: Uint8Array, mimeType?: string): Promise<StoredFile> {
  const hash = createHash('sha256').update(bytes).digest('hex');
  const type = mimeType ?? sniffImageType(bytes) ?? 'application/octet-stream';
  const ext = EXTENSIONS.get(type) ?? 'bin';
  const relative = join('files', hash.slice(0, 2), `${hash}.${ext}`);
  const absolute = join(dataDir, relative);
  const exists = await stat(absolute).then(
    () => true,
    () => false,
  );
  if (!exists) {
    await mkdir(join(dataDir, 'files', hash.slice(0, 2)), { recursive: true });
    // Write then rename, so a crash never leaves a half-written file under the final name. The temporary
    // name is this write's own: two chats sending the same photo at once must not share it.
    const temporary = `${absolute}.${process.pid}.${randomUUID()}.tmp`;
    await writeFile(temporary, bytes);
    await rename(temporary, absolute);
  }
  return { hash, path: relative, mimeType: type, size: bytes.byteLength };
}
