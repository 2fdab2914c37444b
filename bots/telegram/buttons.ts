import { Composer, type Context } from 'grammy';
import type { InlineKeyboardButton } from 'grammy/types';
import type { ChatCore } from '../../src/chat/core.js';
import type { IncomingMessage, OutMessage } from '../../src/chat/types.js';
import type { Logger } from '../../src/log.js';
import { CALLBACK_ANSWER_LIMIT, type TelegramSender, truncate } from './send.js';
import { type BotAccount, deepLink, displayName, isGroup, roomName, TELEGRAM } from './updates.js';

export interface ButtonDeps {
  core: ChatCore;
  sender: TelegramSender;
  log: Logger;
  account: () => BotAccount;
}

/**
 * A button press runs its command as if the presser had typed it. The first reply answers the press (the
 * small notice Telegram shows the presser); a card edits the pressed message to show the new state. A
 * refused press has no card: the presser sees why, and the message stays as it was.
 *
 * In a group the notice is the answer, so the chat is not filled with one line per press; a reply too long
 * for the notice, one with the link to open a private chat (a notice's link cannot be followed), and any
 * further replies are posted. In a private chat every reply is also posted, so what it says (a voucher
 * code) stays in the chat.
 */
const REF = /^[A-Z]\d+$/;

/** The things (T1, W3, G1) a message's buttons act on. */
function refsOf(commands: readonly string[]): Set<string> {
  return new Set(commands.flatMap((command) => command.split(/\s+/).filter((word) => REF.test(word))));
}

/**
 * Whether showing the card in place of the pressed message would lose the other things it lists: a press
 * on 认领 W2 in a list of open wishes shows W2's card as the answer, and the list stays for the next
 * neighbour. A card of the same things (a ticket's next step, the shop with its new stock) replaces it.
 */
function dropsOthers(keyboard: InlineKeyboardButton[][] | undefined, card: OutMessage): boolean {
  const pressed = refsOf((keyboard ?? []).flat().flatMap((b) => ('callback_data' in b ? [b.callback_data] : [])));
  if (pressed.size < 2) return false;
  const shown = refsOf((card.buttons ?? []).flat().map((b) => b.command));
  return [...pressed].some((ref) => !shown.has(ref));
}

/** How long the card's edit may wait before the press is answered. */
const EDIT_FIRST_WITHIN_MS = 2000;

export function buttonsComposer(d: ButtonDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on('callback_query:data', async (ctx) => {
    const query = ctx.callbackQuery;
    let answered = false;
    // Telegram refuses to answer a press more than once or too late (a press redelivered after a restart, a
    // slow command): the press is still handled, and what it says still posted.
    const answer = async (text?: string): Promise<boolean> => {
      answered = true;
      return ctx.api.answerCallbackQuery(query.id, text ? { text: truncate(text, CALLBACK_ANSWER_LIMIT) } : {}).then(
        () => true,
        (error) => {
          d.log.warn('could not answer a press', { error });
          return false;
        },
      );
    };
    try {
      // A message too old to be read (date 0) or an inline message has no chat to act in.
      const message = query.message && query.message.date !== 0 ? query.message : undefined;
      if (!message) return await answer();
      const chat = message.chat;
      const bot = d.account();
      const senderName = displayName(query.from);
      const privateChatHint = deepLink(bot);
      const incoming: IncomingMessage = {
        platform: TELEGRAM,
        roomId: String(chat.id),
        roomName: roomName(chat, senderName),
        isPrivate: chat.type === 'private',
        senderId: String(query.from.id),
        senderName,
        messageId: `cb:${query.id}`,
        text: query.data,
        mentioned: true,
        botNames: [bot.username],
        ...(query.from.language_code ? { senderLanguage: query.from.language_code } : {}),
        privateChatHint,
      };
      const result = await d.core.handle(incoming);
      const [first, ...rest] = result.replies;
      // The notice says commands as the chat can type them, as a message there would.
      const notice = first && d.sender.wording(incoming.roomId, first.text);
      const edit = async () => {
        if (!result.card || dropsOthers(message.reply_markup?.inline_keyboard, result.card)) return;
        await d.sender
          .editCard(incoming.roomId, message.message_id, result.card)
          .catch((error) => d.log.warn('could not edit the pressed message', { chat: incoming.roomId, error }));
      };
      // The card first when it can go at once, so that when the presser's spinner stops the message already
      // shows what happened. In a group that has used its minute's messages the edit may wait longer than
      // Telegram keeps a press open: then the answer goes first. A notice Telegram did not take is posted.
      let noticed: boolean;
      if (d.sender.delay(incoming.roomId) <= EDIT_FIRST_WITHIN_MS) {
        await edit();
        noticed = await answer(notice);
      } else {
        noticed = await answer(notice);
        await edit();
      }
      const mustPost = (text: string) => !noticed || text.length > CALLBACK_ANSWER_LIMIT || text.includes(privateChatHint);
      const post = !isGroup(chat) || (notice !== undefined && mustPost(notice)) ? result.replies : rest;
      await d.sender.reply(incoming.roomId, post, isGroup(chat) ? { replyTo: message.message_id } : {});
      d.core.replied(incoming, result);
    } finally {
      // Telegram shows a spinner on the button until the press is answered, even when handling failed.
      if (!answered) await answer();
    }
  });
  return composer;
}
