import { Composer, type Context } from 'grammy';
import type { ChatPort } from '../../src/chat/port.js';
import type { Logger } from '../../src/log.js';
import { TELEGRAM } from './updates.js';

/**
 * A group that becomes a supergroup gets a new chat id. Telegram says so in both chats (the old one gets
 * migrate_to_chat_id, the new one migrate_from_chat_id); either moves the room, binding and all.
 */
export function migrationComposer(core: ChatPort, log: Logger): Composer<Context> {
  const composer = new Composer<Context>();
  const follow = (from: number, to: number) => {
    const room = core.roomMoved(TELEGRAM, String(from), String(to));
    if (room) log.info('group became a supergroup; room moved', { from, to, room: room.id });
  };
  composer.on('message:migrate_to_chat_id', (ctx) => follow(ctx.chat.id, ctx.message.migrate_to_chat_id));
  composer.on('message:migrate_from_chat_id', (ctx) => follow(ctx.message.migrate_from_chat_id, ctx.chat.id));
  return composer;
}
