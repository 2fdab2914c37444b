import { FileBox } from 'file-box';
import { type Friendship, types, log as wechatyLog } from 'wechaty';
import { mock, PuppetMock } from 'wechaty-puppet-mock';
import { createWechatAdapter, type WechatAdapter, type WechatAdapterOptions } from '../../bots/wechat/adapter.js';
import { WECHAT } from '../../bots/wechat/messages.js';
import { SimulatedClock } from '../../src/clock.js';
import type { ChatCore } from '../../src/chat/core.js';
import { inTransaction } from '../../src/db/client.js';
import type { RoomPurpose } from '../../src/db/schema/index.js';
import type { Ctx } from '../../src/domain/context.js';
import { linkIdentity } from '../../src/domain/org/identities.js';
import { bindRoom, claimPrivateRoom, seeRoom } from '../../src/domain/org/rooms.js';
import type { Logger } from '../../src/log.js';
import { seedDemo, type DemoIds } from '../../src/domain/seed/demo.js';
import type { Services } from '../../src/services.js';
import { START, testServices } from './services.js';

wechatyLog.level('silent');

export type Person = mock.ContactMock;
export type Group = mock.RoomMock;

/** One message the bot sent, as the mock WeChat received it. */
export interface Sent {
  to: 'group' | 'private';
  /** The group's id, or the contact's for a private chat. */
  id: string;
  text: string;
  /** When it arrived, on the world's clock. */
  at: number;
}

/** A tiny PNG: what a resident's photo looks like to the adapter. */
export const PHOTO = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

export const photo = (name = 'photo.png') => FileBox.fromBase64(PHOTO.toString('base64'), name);

/**
 * WeChat as the mock puppet plays it: the bot's account, people, groups, and a record of every message the
 * bot sent to them. Works with any adapter on its puppet, started directly or by startLinli.
 */
export class MockWechat {
  readonly mocker = new mock.Mocker();
  readonly puppet = new PuppetMock({ mocker: this.mocker });
  readonly botUser: Person;
  readonly sent: Sent[] = [];
  /** Images the bot sent, apart from the texts: where, and the file's name. */
  readonly images: { to: 'group' | 'private'; id: string; name: string }[] = [];
  readonly #now: () => number;
  #requests = 0;

  constructor(options: { botName?: string; now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
    this.botUser = this.mocker.createContact({ name: options.botName ?? '邻里' });
  }

  person(name: string): Person {
    const person = this.mocker.createContact({ name });
    person.on('message', (message) => {
      if (message.talker().id === this.botUser.id && !message.room() && message.listener()?.id === person.id) {
        if (message.type() === types.Message.Image) this.images.push({ to: 'private', id: person.id, name: message.text() ?? '' });
        else this.sent.push({ to: 'private', id: person.id, text: message.text() ?? '', at: this.#now() });
      }
    });
    return person;
  }

  /** A group of `members` and, unless told otherwise, the bot. */
  group(topic: string, members: Person[], options: { withBot?: boolean } = {}): Group {
    const ids = [...(options.withBot === false ? [] : [this.botUser.id]), ...members.map((m) => m.id)];
    const room = this.mocker.createRoom({ topic, memberIdList: ids });
    room.on('message', (message) => {
      if (message.talker().id !== this.botUser.id) return;
      if (message.type() === types.Message.Image) this.images.push({ to: 'group', id: room.id, name: message.text() ?? '' });
      else this.sent.push({ to: 'group', id: room.id, text: message.text() ?? '', at: this.#now() });
    });
    return room;
  }

  login(): void {
    this.mocker.login(this.botUser);
  }

  /** The puppet loses its login without a logout event, as one whose connection broke may. */
  dropLogin(): void {
    (this.puppet as unknown as { __currentUserId?: string }).__currentUserId = undefined;
  }

  /** Says something and returns the mock message id (to replay it later). */
  say(who: Person, where: Group | Person, what: string | FileBox): string {
    let id: string | undefined;
    const grab = (message: { id: string }) => {
      id ??= message.id;
    };
    who.once('message', grab);
    who.say(what).to(where);
    who.off('message', grab);
    if (!id) throw new Error('the mock did not create a message');
    return id;
  }

  /** `who` asks to be the bot's friend with this greeting, as WeChat tells the puppet; returns the request's id. */
  async requestFriend(who: Person, hello: string): Promise<string> {
    const friendshipId = `friendship-${who.id}-${++this.#requests}`;
    await this.puppet.friendshipPayload(friendshipId, {
      id: friendshipId,
      contactId: who.id,
      hello,
      ticket: friendshipId,
      timestamp: Date.now(),
      type: types.Friendship.Receive,
    });
    this.puppet.emit('friendship', { friendshipId });
    return friendshipId;
  }

  /** Delivers a message again under the same id, as a puppet does after a reconnect. */
  replay(messageId: string): void {
    this.puppet.emit('message', { messageId });
  }

  /** The texts the bot sent into a group, or privately to a person. */
  textsIn(where: Group | Person, sent: readonly Sent[] = this.sent): string[] {
    return sent.filter((s) => s.id === where.id).map((s) => s.text);
  }
}

/**
 * A pacing clock that moves only when told: `sleep` waits until `advance` has moved time past its end, and
 * whatever that sets going runs before `advance` resolves.
 */
export function manualClock(start = 0) {
  let time = start;
  const sleepers: { at: number; wake: () => void }[] = [];
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    now: () => time,
    sleep: (ms: number) => new Promise<void>((wake) => void sleepers.push({ at: time + ms, wake })),
    /** Moves time on by `ms`, waking each sleeper at its own moment, in order. */
    async advance(ms: number) {
      const target = time + ms;
      await settle();
      for (;;) {
        sleepers.sort((a, b) => a.at - b.at);
        if (!sleepers.length || sleepers[0]!.at > target) break;
        const next = sleepers.shift()!;
        time = Math.max(time, next.at);
        next.wake();
        await settle();
      }
      time = target;
      await settle();
    },
  };
}

/** Waits until `check` holds, looking every few milliseconds. */
export async function until(check: () => boolean, what = 'the condition', timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export interface WechatWorld {
  services: Services;
  ids: DemoIds;
  clock: SimulatedClock;
  wechat: MockWechat;
  adapter: WechatAdapter;
  /**
   * A WeChat person who is the demo member `who` (jin = 金阿姨, li = 网格员小李, ...), as if they had linked
   * their account; with a private chat with the bot unless told otherwise, so notifications reach them here.
   */
  member(who: keyof DemoIds['members'], options?: { privateChat?: boolean }): Person;
  /** A WeChat group already bound to a demo unit, with these people and the bot in it. */
  boundGroup(unit: keyof DemoIds['units'], purpose: RoomPurpose, people: Person[], topic?: string): Group;
  /** Says `what` as `who` in a group or privately to the bot; returns what the bot sent because of it. */
  say(who: Person, where: Group | 'private', what: string | FileBox): Promise<Sent[]>;
  /** Delivers the same message again, as a puppet does after a reconnect. */
  replay(messageId: string): Promise<Sent[]>;
  /** `who` asks to be the bot's friend with this greeting; returns what the bot sent because of it. */
  friendRequest(who: Person, hello: string): Promise<Sent[]>;
  /** Delivers what is due in the outbox; returns what the bot sent. */
  deliver(): Promise<Sent[]>;
  /** Waits until the adapter has handled and sent everything. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

const FAST_PACING = { LINLI_WECHAT_ROOM_INTERVAL_MS: '1', LINLI_WECHAT_PER_MINUTE: '100000' };

export interface WorldOptions {
  env?: Record<string, string>;
  /** A core with other commands than the real table. */
  core?: (services: Services) => ChatCore;
  adapter?: Omit<WechatAdapterOptions, 'puppet' | 'core'>;
  /** The clock the record of sent messages uses (the pacing clock, when that is not the system's). */
  now?: () => number;
  /** Where the adapter logs (silent by default). */
  log?: Logger;
  /** A mock prepared beforehand (to make its puppet misbehave). */
  wechat?: MockWechat;
  /** Log the bot in after starting (default); false leaves that to the test. */
  login?: boolean;
}

/**
 * The demo neighbourhood on a mock WeChat, with the adapter started and logged in. Tickets, wishes and
 * vouchers flows can be driven through `say` exactly as residents would type them.
 */
export async function wechatWorld(options: WorldOptions = {}): Promise<WechatWorld> {
  const clock = new SimulatedClock(START);
  // Pacing is tested on its own; elsewhere it would only slow the tests down.
  const services = testServices({ clock, env: { ...FAST_PACING, ...options.env } });
  const ids = seedDemo(services.deps);
  const wechat = options.wechat ?? new MockWechat(options.now ? { now: options.now } : {});
  const adapter = createWechatAdapter(options.log ? { ...services, log: options.log } : services, {
    puppet: wechat.puppet,
    ...(options.core ? { core: options.core(services) } : {}),
    lifecycle: { printQr: () => {} },
    ...options.adapter,
  });
  await adapter.start();
  if (options.login !== false) {
    wechat.login();
    await until(() => adapter.status === 'online', 'the bot to log in');
  }

  const seen = new Map<string, () => void>();
  adapter.bot.on('message', (message) => {
    seen.get(message.id)?.();
  });
  const handled = (id: string) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the bot never saw message ${id}`)), 5000);
      seen.set(id, () => {
        clearTimeout(timer);
        seen.delete(id);
        resolve();
      });
    });

  const settle = async () => {
    await adapter.idle();
    await services.dispatcher.drain();
    await adapter.idle();
  };
  const since = async (work: () => Promise<void>) => {
    const before = wechat.sent.length;
    await work();
    await settle();
    return wechat.sent.slice(before);
  };

  const system: Ctx = { ...services.deps, actor: { kind: 'system', job: 'test' } };

  return {
    services,
    ids,
    clock,
    wechat,
    adapter,
    member(who, { privateChat = true } = {}) {
      const member = ids.members[who];
      const person = wechat.person(member.name);
      inTransaction(services.db, () => {
        linkIdentity(system, { platform: WECHAT, platformUserId: person.id, displayName: member.name }, member.id);
        if (!privateChat) return;
        const room = seeRoom(services.deps, { platform: WECHAT, platformRoomId: person.id, name: member.name, isPrivate: true });
        claimPrivateRoom(services.db, room, member.id);
      });
      return person;
    },
    boundGroup(unit, purpose, people, topic = `${ids.units[unit].name}${purpose === 'staff' ? '工作群' : '居民群'}`) {
      const group = wechat.group(topic, people);
      inTransaction(services.db, () => {
        const room = seeRoom(services.deps, { platform: WECHAT, platformRoomId: group.id, name: topic, isPrivate: false });
        bindRoom(system, room.id, ids.units[unit].id, purpose);
      });
      return group;
    },
    say: (who, where, what) =>
      since(async () => {
        // The bot sees the message a few ticks later: waiting for it starts before that.
        const id = wechat.say(who, where === 'private' ? wechat.botUser : where, what);
        await handled(id);
      }),
    replay: (messageId) =>
      since(async () => {
        const seenAgain = handled(messageId);
        wechat.replay(messageId);
        await seenAgain;
      }),
    friendRequest: (who, hello) =>
      since(async () => {
        const heard = new Promise<void>((resolve) => {
          const listener = (friendship: Friendship) => {
            if (friendship.contact().id !== who.id) return;
            adapter.bot.off('friendship', listener);
            resolve();
          };
          adapter.bot.on('friendship', listener);
        });
        await wechat.requestFriend(who, hello);
        await heard;
      }),
    deliver: () => since(async () => {}),
    settle,
    async stop() {
      await adapter.stop();
      await services.close();
    },
  };
}
