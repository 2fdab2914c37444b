/**
 * What an uploaded image is, judged by its bytes alone, and the same image without the metadata a phone
 * writes into it. Residents photograph their homes: a phone's EXIF block carries the GPS position, the
 * time and the device, and none of it may travel with the photo to a staff group.
 *
 * The metadata is removed by walking the container's own structure (JPEG markers, PNG chunks, RIFF chunks
 * for WebP) and leaving out the segments that hold it; the image data is copied byte for byte, never
 * decoded or re-encoded. A file whose structure cannot be walked is not taken as an image.
 */

export type ImageType = 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const ascii = (bytes: Uint8Array, at: number, text: string): boolean =>
  at + text.length <= bytes.length && [...text].every((c, i) => bytes[at + i] === c.charCodeAt(0));

/** The image format the bytes are in, from their magic numbers; undefined for anything else. */
export function sniffImageType(bytes: Uint8Array): ImageType | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'image/png';
  if (ascii(bytes, 0, 'GIF87a') || ascii(bytes, 0, 'GIF89a')) return 'image/gif';
  if (ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WEBP')) return 'image/webp';
  return undefined;
}

/** The bytes do not have the structure their magic number promises. */
export class MalformedImage extends Error {
  constructor(what: string) {
    super(`malformed image: ${what}`);
    this.name = 'MalformedImage';
  }
}

/** The image without its metadata (GIF carries none worth the name and is returned as it is). */
export function stripMetadata(bytes: Uint8Array, type: ImageType): Uint8Array {
  switch (type) {
    case 'image/jpeg':
      return stripJpeg(bytes);
    case 'image/png':
      return stripPng(bytes);
    case 'image/webp':
      return stripWebp(bytes);
    case 'image/gif':
      return bytes;
  }
}

const APP1 = 0xe1; // Exif and XMP
const APP13 = 0xed; // Photoshop resources: IPTC captions and places
const COM = 0xfe; // free-text comment
const SOS = 0xda;
const EOI = 0xd9;

const standalone = (marker: number) => marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7);

/**
 * JPEG: every segment is copied except APP1 (Exif, XMP), APP13 and comments. The orientation the camera
 * recorded in Exif is kept, in an Exif block holding nothing else, or a portrait photo would show on its
 * side. Entropy-coded data is copied as it is; anything after the end-of-image marker (where some phones
 * append more metadata) is left out.
 */
export function stripJpeg(bytes: Uint8Array): Uint8Array {
  const out: Uint8Array[] = [bytes.subarray(0, 2)];
  let orientationAt: number | undefined;
  let orientation: number | undefined;
  let i = 2;
  while (i < bytes.length) {
    if (bytes[i] !== 0xff || i + 1 >= bytes.length) throw new MalformedImage(`no JPEG marker at ${i}`);
    const marker = bytes[i + 1]!;
    if (marker === 0xff) {
      i += 1; // fill byte before a marker
      continue;
    }
    if (marker === EOI) {
      out.push(bytes.subarray(i, i + 2));
      break;
    }
    if (standalone(marker)) {
      out.push(bytes.subarray(i, i + 2));
      i += 2;
      continue;
    }
    if (i + 4 > bytes.length) throw new MalformedImage('segment header cut short');
    const end = i + 2 + ((bytes[i + 2]! << 8) | bytes[i + 3]!);
    if (end < i + 4 || end > bytes.length) throw new MalformedImage(`segment 0x${marker.toString(16)} runs past the end`);
    if (marker === APP1) {
      orientation ??= exifOrientation(bytes.subarray(i + 4, end));
      orientationAt ??= out.length;
    } else if (marker !== APP13 && marker !== COM) {
      out.push(bytes.subarray(i, end));
    }
    i = end;
    if (marker === SOS) {
      // Entropy-coded data runs to the next marker that is neither a stuffed 0xFF00 nor a restart marker.
      let j = i;
      while (j + 1 < bytes.length && !(bytes[j] === 0xff && bytes[j + 1] !== 0x00 && !(bytes[j + 1]! >= 0xd0 && bytes[j + 1]! <= 0xd7))) j += 1;
      if (j + 1 >= bytes.length) j = bytes.length; // no end-of-image marker: keep the data there is
      out.push(bytes.subarray(i, j));
      i = j;
    }
  }
  if (orientation !== undefined && orientation !== 1 && orientationAt !== undefined) out.splice(orientationAt, 0, orientationSegment(orientation));
  return concat(out);
}

/** The Orientation tag (0x0112) of an APP1 payload's first IFD, if it is an Exif block that has one. */
export function exifOrientation(payload: Uint8Array): number | undefined {
  if (!ascii(payload, 0, 'Exif\0\0') || payload.length < 14) return undefined;
  const tiff = payload.subarray(6);
  const little = ascii(tiff, 0, 'II');
  if (!little && !ascii(tiff, 0, 'MM')) return undefined;
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const ifd = view.getUint32(4, little);
  if (ifd + 2 > tiff.length) return undefined;
  const count = view.getUint16(ifd, little);
  for (let k = 0; k < count; k += 1) {
    const entry = ifd + 2 + k * 12;
    if (entry + 12 > tiff.length) return undefined;
    if (view.getUint16(entry, little) === 0x0112 && view.getUint16(entry + 2, little) === 3) {
      const value = view.getUint16(entry + 8, little);
      return value >= 1 && value <= 8 ? value : undefined;
    }
  }
  return undefined;
}

/** An APP1 Exif segment holding one tag, the orientation: big-endian TIFF, one IFD with one entry. */
function orientationSegment(orientation: number): Uint8Array {
  const payload = [
    ...[0x45, 0x78, 0x69, 0x66, 0, 0], // "Exif\0\0"
    ...[0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8], // "MM", 42, first IFD at 8
    ...[0, 1], // one entry
    ...[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0], // Orientation, SHORT, 1 value
    ...[0, 0, 0, 0], // no next IFD
  ];
  const length = payload.length + 2;
  return Uint8Array.from([0xff, APP1, length >> 8, length & 0xff, ...payload]);
}

/** PNG chunks that hold metadata: Exif, and text (where XMP lives). */
const PNG_METADATA = new Set(['eXIf', 'tEXt', 'iTXt', 'zTXt']);

/** PNG: every chunk up to IEND is copied except eXIf and the text chunks. */
export function stripPng(bytes: Uint8Array): Uint8Array {
  const out: Uint8Array[] = [bytes.subarray(0, 8)];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let i = 8;
  for (;;) {
    if (i + 12 > bytes.length) throw new MalformedImage('PNG chunk cut short');
    const end = i + 12 + view.getUint32(i);
    if (end > bytes.length) throw new MalformedImage('PNG chunk runs past the end');
    const type = String.fromCharCode(...bytes.subarray(i + 4, i + 8));
    if (!PNG_METADATA.has(type)) out.push(bytes.subarray(i, end));
    i = end;
    if (type === 'IEND') return concat(out);
  }
}

/** WebP flags (in its VP8X chunk) saying an EXIF or XMP chunk follows. */
const VP8X_EXIF = 0x08;
const VP8X_XMP = 0x04;

/** WebP: the EXIF and XMP chunks are left out, and the header's flags and size say so. */
export function stripWebp(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12) throw new MalformedImage('WebP header cut short');
  const last = Math.min(bytes.length, 8 + view.getUint32(4, true));
  const out: Uint8Array[] = [];
  let i = 12;
  while (i < last) {
    if (i + 8 > last) throw new MalformedImage('WebP chunk cut short');
    const size = view.getUint32(i + 4, true);
    const end = i + 8 + size + (size % 2);
    if (i + 8 + size > last) throw new MalformedImage('WebP chunk runs past the end');
    const type = String.fromCharCode(...bytes.subarray(i, i + 4));
    if (type === 'VP8X' && size >= 1) {
      const chunk = bytes.slice(i, Math.min(end, last));
      chunk[8] = chunk[8]! & ~(VP8X_EXIF | VP8X_XMP);
      out.push(chunk);
    } else if (type !== 'EXIF' && type !== 'XMP ') {
      out.push(bytes.subarray(i, Math.min(end, last)));
    }
    i = end;
  }
  const body = concat(out);
  const header = Uint8Array.from([...bytes.subarray(0, 12)]);
  new DataView(header.buffer).setUint32(4, body.length + 4, true);
  return concat([header, body]);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
