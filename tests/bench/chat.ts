import { SHELL_BOT_NAMES, ShellChat, type ShellOutput } from '../../bots/shell/shell.js';
import type { HandleResult, IncomingMessage } from '../../src/chat/types.js';
import type { Step } from './measure.js';
import type { World } from './world.js';

/**
 * Linli's side of the chat rows: one message through `services.core.handle`, as every adapter hands it
 * over, with a fresh platform message id each time (so no step is a redelivery the dedupe answers cheaply).
 */

let sequence = 0;
const messageId = () => `bench-${process.pid}-${++sequence}`;

const GROUP = { roomId: 'grid-1', roomName: '荷东第一网格居民群', isPrivate: false };
const privateChat = (user: string, name: string) => ({ roomId: `dm:${user}`, roomName: `${name}（私聊）`, isPrivate: true });

function say(where: { roomId: string; roomName: string; isPrivate: boolean }, user: string, name: string, text: string): IncomingMessage {
  return { platform: 'shell', ...where, senderId: user, senderName: name, messageId: messageId(), text, botNames: SHELL_BOT_NAMES };
}

/** What a step's message got back, kept for the harness's own test. */
export interface Said {
  last: HandleResult | undefined;
}

/**
 * 报事 by 金阿姨 in grid 1's residents' group, each about a different building (a number no other report
 * names, so none reads as a duplicate and each opens a ticket, announced to the grid's staff room).
 */
export function reportStep(world: World, said: Said = { last: undefined }): Step {
  let n = 0;
  return async () => {
    said.last = await world.services.core.handle(say(GROUP, 'jin', '金阿姨', `报事 ${++n}号楼门口路灯坏了`));
  };
}

/** 积分 in 金阿姨's private chat, where the answer is the balance, hours and latest entries. */
export function pointsStep(world: World, said: Said = { last: undefined }): Step {
  const where = privateChat('jin', '金阿姨');
  return async () => {
    said.last = await world.services.core.handle(say(where, 'jin', '金阿姨', '积分'));
  };
}

/** 我的 in grid 1's residents' group: name, roles and units. */
export function meStep(world: World, said: Said = { last: undefined }): Step {
  return async () => {
    said.last = await world.services.core.handle(say(GROUP, 'jin', '金阿姨', '我的'));
  };
}

/**
 * 兑换 G<bench reward> by 杨幼红 in her private chat, where the code is shown at once (in a group it would
 * also be queued for the private chat).
 */
export function redeemStep(world: World, said: Said = { last: undefined }): Step {
  const where = privateChat('yang', '杨幼红');
  return async () => {
    said.last = await world.services.core.handle(say(where, 'yang', '杨幼红', `兑换 G${world.rewardId}`));
  };
}

/**
 * The shell chat end to end: 报事 said through the shell adapter (bots/shell, as `npm run chat` and the
 * shell tests drive it): the core, the reply emitted, the outbox drained (the announcement delivered to
 * the staff room and marked sent).
 */
export async function shellReportStep(world: World, emitted: ShellOutput[] = []): Promise<Step> {
  const chat = new ShellChat(world.services, (out) => {
    emitted.push(out);
    if (emitted.length > 64) emitted.splice(0, 32);
  });
  // What earlier rows queued for the shell platform is delivered now, before anything is timed.
  await chat.deliver();
  let n = 0;
  return () => chat.say({ room: 'grid-1', user: 'wang', name: '王阿姨', text: `报事 ${++n}号楼楼道堆了杂物` });
}
