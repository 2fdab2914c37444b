import type { Contact, Room } from 'wechaty';
import { t } from '../../src/i18n/index.js';
import type { WechatContext } from './context.js';
import { reasonOf } from './lifecycle.js';
import { WECHAT } from './messages.js';

/** The 'room-topic' listener: a group's new name is recorded, so staff see groups by the names they know. */
export const onRoomTopic = (w: WechatContext) => (room: Room, topic: string) => {
  if (w.stopping()) return;
  try {
    w.core.roomRenamed(WECHAT, room.id, topic);
    w.log.info('group renamed', { room: room.id, topic });
  } catch (error) {
    w.log.error('could not record a group rename', { room: room.id, error: reasonOf(error) });
  }
};

/** The 'room-join' listener: the bot added to a group records the group and says how to bind it. */
export const onRoomJoin = (w: WechatContext) => (room: Room, invitees: Contact[]) => {
  if (w.stopping() || !w.bot.isLoggedIn) return;
  if (!invitees.some((c) => c.id === w.bot.currentUser.id)) return;
  w.track(
    (async () => {
      const name = await room.topic();
      w.core.botAdded(WECHAT, room.id, name);
      w.log.info('added to a group', { room: room.id });
      w.reply(room.id, { text: t(w.lang, 'wechat.joined') });
    })().catch((error) => w.log.error('could not greet a new group', { error: reasonOf(error) })),
  );
};
