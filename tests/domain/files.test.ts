import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/errors.js';
import { MAX_IMAGE_BYTES, storeFile } from '../../src/domain/files.js';
import { exifOrientation, stripMetadata } from '../../src/domain/images.js';
import { jpeg, jpegSegment, png, pngChunk } from '../helpers/images.js';

const JPEG = jpeg(1);
const dir = () => mkdtempSync(join(tmpdir(), 'linli-files-'));

/** A little-endian TIFF block as a phone writes it: IFD0 with the orientation and a pointer to a GPS IFD. */
function exifWithGps(orientation: number | undefined): number[] {
  const u16 = (n: number) => [n & 0xff, n >> 8];
  const u32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24];
  const entry = (tag: number, type: number, count: number, value: number[]) => [...u16(tag), ...u16(type), ...u32(count), ...value, 0, 0, 0, 0].slice(0, 12);
  const ifd0Entries = [...(orientation ? [entry(0x0112, 3, 1, u16(orientation))] : []), entry(0x8825, 4, 1, u32(0))];
  const gpsAt = 8 + 2 + ifd0Entries.length * 12 + 4;
  ifd0Entries[ifd0Entries.length - 1] = entry(0x8825, 4, 1, u32(gpsAt));
  const rationalsAt = gpsAt + 2 + 2 * 12 + 4;
  const gps = [
    ...u16(2),
    ...entry(0x0001, 2, 2, [0x4e, 0]), // GPSLatitudeRef "N"
    ...entry(0x0002, 5, 3, u32(rationalsAt)), // GPSLatitude
    ...u32(0),
    ...[31, 1, 14, 1, 1234, 100].flatMap(u32),
  ];
  const tiff = [0x49, 0x49, 0x2a, 0, ...u32(8), ...u16(ifd0Entries.length), ...ifd0Entries.flat(), ...u32(0), ...gps];
  return [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff];
}

const XMP = [...Buffer.from('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><exif:GPSLatitude>31,14.2N</exif:GPSLatitude></x:xmpmeta>')];

/** The segments of a JPEG up to its scan, as [marker, bytes]. */
function segments(bytes: Uint8Array): [number, number[]][] {
  const out: [number, number[]][] = [];
  let i = 2;
  while (bytes[i + 1] !== 0xda) {
    const end = i + 2 + ((bytes[i + 2]! << 8) | bytes[i + 3]!);
    out.push([bytes[i + 1]!, [...bytes.subarray(i, end)]]);
    i = end;
  }
  out.push([0xda, [...bytes.subarray(i)]]);
  return out;
}

const contains = (haystack: Uint8Array, needle: readonly number[]) => Buffer.from(haystack).includes(Buffer.from(needle));

describe('storeFile', () => {
  it('stores an image by its content hash, with the extension of its type', async () => {
    const at = dir();
    const stored = await storeFile(at, JPEG);
    expect(stored).toMatchObject({ mimeType: 'image/jpeg', size: JPEG.byteLength });
    expect(stored.path).toBe(join('files', stored.hash.slice(0, 2), `${stored.hash}.jpg`));
    expect(new Uint8Array(readFileSync(join(at, stored.path)))).toEqual(JPEG);
  });

  it('stores the same image sent from several chats at once, once', async () => {
    const at = dir();
    const stored = await Promise.all(Array.from({ length: 5 }, () => storeFile(at, JPEG)));
    expect(new Set(stored.map((s) => s.path)).size).toBe(1);
    expect(readdirSync(join(at, 'files', stored[0]!.hash.slice(0, 2)))).toEqual([`${stored[0]!.hash}.jpg`]);
  });

  it('stores a JPEG without its Exif GPS block and its XMP, keeping every image segment as it was', async () => {
    const exif = exifWithGps(undefined);
    const photo = jpeg(5, [jpegSegment(0xe1, exif), jpegSegment(0xe1, XMP)]);
    const at = dir();
    const stored = await storeFile(at, photo);
    const kept = new Uint8Array(readFileSync(join(at, stored.path)));
    expect(contains(photo, exif)).toBe(true);
    expect(contains(kept, exif.slice(6))).toBe(false);
    expect(contains(kept, [...Buffer.from('GPSLatitude')])).toBe(false);
    expect(segments(kept).some(([marker]) => marker === 0xe1)).toBe(false);
    // still a JPEG: the same segments, in the same order, but the two APP1s; the scan and EOI unchanged
    expect(segments(kept)).toEqual(segments(photo).filter(([marker]) => marker !== 0xe1));
    expect([...kept.subarray(0, 2)]).toEqual([0xff, 0xd8]);
    expect([...kept.subarray(-2)]).toEqual([0xff, 0xd9]);
    expect(stored.size).toBe(kept.byteLength);
  });

  it("keeps the camera's orientation, alone, so a portrait photo does not show on its side", () => {
    const photo = jpeg(6, [jpegSegment(0xe1, exifWithGps(6))]);
    const kept = stripMetadata(photo, 'image/jpeg');
    const app1 = segments(kept).filter(([marker]) => marker === 0xe1);
    expect(app1).toHaveLength(1);
    expect(exifOrientation(Uint8Array.from(app1[0]![1].slice(4)))).toBe(6);
    expect(contains(kept, [0x25, 0x88])).toBe(false); // no GPS pointer tag (0x8825) in either byte order
    expect(contains(kept, [0x88, 0x25])).toBe(false);
    expect(segments(kept).filter(([marker]) => marker !== 0xe1)).toEqual(segments(photo).filter(([marker]) => marker !== 0xe1));
  });

  it('drops what a phone appends after the end of the image', () => {
    const photo = Uint8Array.from([...jpeg(7), ...Buffer.from('GPS 31.2367N 121.4914E')]);
    expect(stripMetadata(photo, 'image/jpeg')).toEqual(jpeg(7));
  });

  it('stores a PNG without its eXIf and text chunks', async () => {
    const photo = png(3, [pngChunk('eXIf', exifWithGps(1).slice(6)), pngChunk('iTXt', XMP)]);
    const at = dir();
    const stored = await storeFile(at, photo);
    expect(stored.mimeType).toBe('image/png');
    expect(new Uint8Array(readFileSync(join(at, stored.path)))).toEqual(png(3));
  });

  it('stores a WebP without its EXIF and XMP chunks, its header saying so', () => {
    const riff = (chunks: number[][]) => {
      const body = [...Buffer.from('WEBP'), ...chunks.flat()];
      return Uint8Array.from([...Buffer.from('RIFF'), body.length & 0xff, (body.length >> 8) & 0xff, 0, 0, ...body]);
    };
    const chunk = (type: string, data: number[]) => [...Buffer.from(type), data.length, 0, 0, 0, ...data, ...(data.length % 2 ? [0] : [])];
    const vp8x = (flags: number) => chunk('VP8X', [flags, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const image = chunk('VP8L', [0x2f, 0, 0, 0, 1]);
    const photo = riff([vp8x(0x0c), image, chunk('EXIF', exifWithGps(1).slice(6)), chunk('XMP ', XMP.slice(0, 40))]);
    expect(stripMetadata(photo, 'image/webp')).toEqual(riff([vp8x(0), image]));
  });

  it.each([
    ['a text file named photo.jpg', Buffer.from('这不是图片，只是一段文字。\n')],
    ['an HTML page', Buffer.from('<html><script>alert(1)</script></html>')],
    ['bytes that start like a JPEG and are not one', Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x40, 0, 1, 2, 3])],
    ['a PNG signature with nothing after it', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0])],
  ])('refuses %s as not an image, and stores nothing', async (_, bytes) => {
    const at = dir();
    await expect(storeFile(at, bytes)).rejects.toMatchObject({ code: 'INVALID_INPUT', key: 'file.notImage' });
    expect(readdirSync(at)).toEqual([]);
  });

  it('refuses an image larger than MAX_IMAGE_BYTES', async () => {
    const blob = randomBytes(20 * 1024 * 1024);
    blob.set([0xff, 0xd8, 0xff, 0xe0]);
    const at = dir();
    const refused = await storeFile(at, blob).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ key: 'file.tooLarge', params: { mb: MAX_IMAGE_BYTES / (1024 * 1024) } });
    expect(readdirSync(at)).toEqual([]);
  });
});
