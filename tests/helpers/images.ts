/**
 * Small images with the structure of the real thing (markers, chunks), which storeFile walks to strip
 * their metadata: `seed` makes each one's bytes, and so its stored name, its own.
 */

const segment = (marker: number, payload: readonly number[]) => [0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 0xff, ...payload];

/** SOI, JFIF, a quantisation table, a frame header, a scan of entropy-coded bytes, EOI. */
export function jpeg(seed = 1, extra: readonly number[][] = []): Uint8Array {
  return Uint8Array.from([
    0xff,
    0xd8,
    ...segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]),
    ...extra.flat(),
    ...segment(0xdb, [0, ...Array.from({ length: 64 }, (_, i) => (i + seed) % 255 || 1)]),
    ...segment(0xc0, [8, 0, 1, 0, 1, 1, 1, 0x11, 0]),
    ...segment(0xda, [1, 1, 0, 0, 0x3f, 0]),
    seed & 0xff,
    0xff,
    0x00,
    (seed >> 8) & 0xff,
    0xff,
    0xd9,
  ]);
}

const chunk = (type: string, data: readonly number[]) => {
  const length = data.length;
  return [length >>> 24, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff, ...[...type].map((c) => c.charCodeAt(0)), ...data, 0, 0, 0, 0];
};

/** The signature, IHDR, one IDAT holding `seed`, IEND (CRCs left zero: storeFile does not check them). */
export function png(seed = 1, extra: readonly number[][] = []): Uint8Array {
  return Uint8Array.from([
    0x89,
    0x50,
    0x4e,
    0x47,
    0x0d,
    0x0a,
    0x1a,
    0x0a,
    ...chunk('IHDR', [0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]),
    ...extra.flat(),
    ...chunk('IDAT', [seed & 0xff, (seed >> 8) & 0xff, 1, 2, 3]),
    ...chunk('IEND', []),
  ]);
}

export const pngChunk = chunk;
export const jpegSegment = segment;
