import { types, type Friendship } from 'wechaty';
import { normalizeText } from '../../src/chat/parser.js';
import type { Deps } from '../../src/domain/context.js';
import { type BindingCode, usableCodesIn } from '../../src/domain/org/binding-codes.js';

export type FriendRequestDecision =
  | { accept: false }
  | { accept: true; because: 'code' | 'keyword'; memberCode: BindingCode | undefined };

/**
 * Whether to accept a friend request: its greeting carries a binding code that can still be used, or the
 * configured keyword. Anyone else (advertisers, strangers) is left waiting, unanswered.
 */
export function decideFriendRequest(deps: Deps, hello: string, keyword: string): FriendRequestDecision {
  const codes = usableCodesIn(deps, hello);
  if (codes.length) return { accept: true, because: 'code', memberCode: codes.find((c) => c.kind === 'member') };
  const said = normalizeText(hello).toLowerCase();
  if (said.includes(normalizeText(keyword).toLowerCase())) return { accept: true, because: 'keyword', memberCode: undefined };
  return { accept: false };
}

/** Only requests received; the confirmations of requests the bot made are not ours to judge. */
export const isIncomingRequest = (friendship: Friendship): boolean => friendship.type() === types.Friendship.Receive;
