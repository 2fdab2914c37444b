import { types, type Friendship } from 'wechaty';
import { normalizeText } from '../../src/chat/parser.js';
import type { ChatPort, GreetingCode } from '../../src/chat/port.js';
import { t } from '../../src/i18n/index.js';
import type { WechatContext } from './context.js';
import { reasonOf } from './lifecycle.js';
import { handleIncoming, WECHAT } from './messages.js';

export type FriendRequestDecision = { accept: false } | { accept: true; because: 'code' | 'keyword'; memberCode: GreetingCode | undefined };

/**
 * Whether to accept a friend request: its greeting carries a binding code that can still be used, or the
 * configured keyword. Anyone else (advertisers, strangers) is left waiting, unanswered.
 */
export function decideFriendRequest(core: Pick<ChatPort, 'usableCodesIn'>, hello: string, keyword: string): FriendRequestDecision {
  const codes = core.usableCodesIn(hello);
  if (codes.length) return { accept: true, because: 'code', memberCode: codes.find((c) => c.kind === 'member') };
  const said = normalizeText(hello).toLowerCase();
  if (said.includes(normalizeText(keyword).toLowerCase())) return { accept: true, because: 'keyword', memberCode: undefined };
  return { accept: false };
}

/** Only requests received; the confirmations of requests the bot made are not ours to judge. */
export const isIncomingRequest = (friendship: Friendship): boolean => friendship.type() === types.Friendship.Receive;

/** The 'friendship' listener: accepts the requests decideFriendRequest lets in, and welcomes them. */
export const onFriendship = (w: WechatContext) => (friendship: Friendship) => {
  if (w.stopping()) return;
  w.track(befriend(w, friendship).catch((error) => w.log.error('friend request failed', { error: reasonOf(error) })));
};

async function befriend(w: WechatContext, friendship: Friendship) {
  if (!isIncomingRequest(friendship)) return;
  const contact = friendship.contact();
  const decision = decideFriendRequest(w.core, friendship.hello(), w.friendKeyword);
  if (!decision.accept) {
    w.log.info('friend request left unanswered', { contact: contact.id, hello: friendship.hello().slice(0, 40) });
    return;
  }
  await friendship.accept();
  w.log.info('friend request accepted', { contact: contact.id, because: decision.because });
  w.reply(contact.id, { text: t(w.lang, 'wechat.welcome') });
  if (decision.memberCode) {
    // The link code in the greeting is used as if sent in the new chat: one step less for the resident.
    const code = decision.memberCode.code;
    await w.inbox(contact.id, () =>
      handleIncoming(w, {
        platform: WECHAT,
        roomId: contact.id,
        roomName: contact.name(),
        isPrivate: true,
        senderId: contact.id,
        senderName: contact.name(),
        messageId: `friendship:${friendship.id}`,
        text: `/bind ${code}`,
      }),
    );
  }
}
