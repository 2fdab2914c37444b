import { createHash, randomUUID } from 'node:crypto';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DomainError } from '../errors.js';
import { type ImageType, MalformedImage, sniffImageType, stripMetadata } from './images.js';

export interface StoredFile {
  /** sha256 of the bytes stored, hex: the file's name, so the same photo sent twice is stored once. */
  hash: string;
  /** Path relative to the data directory. */
  path: string;
  mimeType: string;
  size: number;
}

/** The largest image kept: a phone photo is a few megabytes; anything bigger is not a photo of a pothole. */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

const EXTENSIONS: Record<ImageType, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp' };

/**
 * Keeps an uploaded image under `<dataDir>/files/`, named by content hash. What it is comes from its bytes
 * (the type a platform or sender claims is not trusted); anything but a JPEG, PNG, GIF or WebP of at most
 * MAX_IMAGE_BYTES is refused, and the metadata (Exif with the GPS position, XMP) is removed before it is
 * written, so no stored photo says where a resident lives.
 */
export async function storeFile(dataDir: string, upload: Uint8Array): Promise<StoredFile> {
  if (upload.byteLength > MAX_IMAGE_BYTES) throw new DomainError('INVALID_INPUT', 'file.tooLarge', { mb: MAX_IMAGE_BYTES / (1024 * 1024) });
  const type = sniffImageType(upload);
  if (!type) throw new DomainError('INVALID_INPUT', 'file.notImage');
  let bytes: Uint8Array;
  try {
    bytes = stripMetadata(upload, type);
  } catch (error) {
    if (error instanceof MalformedImage) throw new DomainError('INVALID_INPUT', 'file.notImage');
    throw error;
  }
  const hash = createHash('sha256').update(bytes).digest('hex');
  const relative = join('files', hash.slice(0, 2), `${hash}.${EXTENSIONS[type]}`);
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
