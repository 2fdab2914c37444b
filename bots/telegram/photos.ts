import type { Api } from 'grammy';
import type { Message, PhotoSize } from 'grammy/types';
import type { Attachment } from '../../src/chat/types.js';

export interface FileSource {
  api: Api;
  /** The Bot API server, for `<apiRoot>/file/bot<token>/<file_path>`. */
  apiRoot: string;
  token: string;
  fetch: typeof fetch;
}

/** The biggest of the sizes Telegram offers for one photo. */
export function largest(sizes: readonly PhotoSize[]): PhotoSize | undefined {
  return sizes.reduce<PhotoSize | undefined>((best, size) => (!best || size.width * size.height > best.width * best.height ? size : best), undefined);
}

/**
 * The images in a message: a photo (its largest size), or an image sent as a file. Each loads its bytes
 * only when the core asks, through getFile and the file download URL.
 */
export function imagesOf(message: Message, source: FileSource): Attachment[] {
  const photo = message.photo ? largest(message.photo) : undefined;
  if (photo) return [attachment(photo.file_id, 'image/jpeg', source)];
  const document = message.document;
  if (document?.mime_type?.startsWith('image/')) return [attachment(document.file_id, document.mime_type, source)];
  return [];
}

function attachment(fileId: string, mimeType: string, source: FileSource): Attachment {
  return {
    kind: 'image',
    mimeType,
    async load() {
      const file = await source.api.getFile(fileId);
      if (!file.file_path) throw new Error(`Telegram gave no path for file ${fileId}`);
      const response = await source.fetch(`${source.apiRoot}/file/bot${source.token}/${file.file_path}`);
      if (!response.ok) throw new Error(`downloading file ${fileId} failed: HTTP ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}
