import { and, eq, like } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { DAY } from '../../../src/clock.js';
import { auditLog, identities, outbox } from '../../../src/db/schema/index.js';
import type { Ctx } from '../../../src/domain/context.js';
import { adjust } from '../../../src/domain/ledger/adjust.js';
import { balanceOf, memberAccount } from '../../../src/domain/ledger/accounts.js';
import { createBindingCode } from '../../../src/domain/org/binding-codes.js';
import { findIdentity } from '../../../src/domain/org/identities.js';
import { decideLink } from '../../../src/domain/org/link-requests.js';
import { createMember } from '../../../src/domain/org/members.js';
import { type DemoChat, demoChat } from '../../helpers/services.js';

/** An API token of the grid's staff: it may make a link code for any resident of the grid. */
const staffToken = (demo: DemoChat): Ctx => ({ ...demo.system, actor: { kind: 'token', tokenId: 9, label: 'staff@grid-1' } });

let counter = 0;
/** A private message to the bot from a Telegram account. */
const onTelegram = (demo: DemoChat, userId: string, text: string) =>
  demo.services.core.handle({
    platform: 'telegram',
    roomId: userId,
    roomName: 'Stranger',
    isPrivate: true,
    senderId: userId,
    senderName: '陌生人',
    messageId: `tg-${++counter}`,
    text,
  });

const memberOf = (demo: DemoChat, userId: string) => findIdentity(demo.services.db, 'telegram', userId)?.memberId;
const actions = (demo: DemoChat) =>
  demo.services.db
    .select()
    .from(auditLog)
    .where(like(auditLog.action, 'identity.%'))
    .all()
    .map((a) => a.action);
const requestRef = (text: string) => /确认关联 (\d+)/.exec(text)![1]!;

describe('a link code made by a token, for a member who already uses Linli', () => {
  it('does not hand the account to whoever says the code: the link waits and the owner is asked', async () => {
    const demo = demoChat();
    const jin = demo.ids.members.jin.id;
    adjust(demo.system, { memberId: jin, unitId: demo.ids.units.community.id, points: 50, reason: '志愿服务', idempotencyKey: 'jin-50' });
    const code = createBindingCode(staffToken(demo), { memberId: jin }).code;

    const { replies } = await onTelegram(demo, '666', `/start ${code}`);
    expect(replies[0]?.text).toContain('已请账号本人在原来的聊天里确认');
    expect(memberOf(demo, '666')).not.toBe(jin);
    expect(balanceOf(demo.services.db, memberAccount(memberOf(demo, '666')!))).toBe(0);
    expect(balanceOf(demo.services.db, memberAccount(jin))).toBe(50);
    // her own private chat is asked, with buttons; nobody else is
    const asked = demo.services.db.select().from(outbox).where(eq(outbox.source, 'link-request')).all();
    expect(asked.map((row) => row.roomId)).toEqual(['dm:jin']);
    expect(asked[0]!.text).toContain('Telegram 用户「陌生人」用一个关联码，请求关联到你的账号');
    expect(asked[0]!.buttons?.[0]?.map((b) => b.command)).toEqual([expect.stringMatching(/^\/linkconfirm \d+$/), expect.stringMatching(/^\/linkrefuse \d+$/)]);
    expect(actions(demo)).toEqual(['identity.linkRequested']);
    // saying the code again says it is still waiting
    expect((await onTelegram(demo, '666', `/start ${code}`)).replies[0]?.text).toContain('在此之前这个账号还没有关联');
    // and someone else cannot use it at all
    expect((await onTelegram(demo, '777', `/start ${code}`)).replies[0]?.text).toContain('已经用过了');
  });

  it('links the account once the owner confirms from the chat she already uses, and tells it', async () => {
    const demo = demoChat();
    const jin = demo.ids.members.jin.id;
    const code = createBindingCode(staffToken(demo), { memberId: jin }).code;
    await onTelegram(demo, '666', `/start ${code}`);
    const [ask] = demo.services.db.select().from(outbox).where(eq(outbox.source, 'link-request')).all();
    const ref = requestRef(ask!.text);

    // another member cannot answer for her
    expect((await demo.say('wang', 'dm:wang', `确认关联 ${ref}`))[0]?.text).toBe(`找不到关联请求 ${ref}。`);
    expect(memberOf(demo, '666')).not.toBe(jin);

    const [confirmed] = await demo.say('jin', 'dm:jin', `确认关联 ${ref}`);
    expect(confirmed?.text).toBe('✅ 已确认，Telegram 上的「陌生人」现在和你是同一个账号。');
    expect(memberOf(demo, '666')).toBe(jin);
    const told = demo.services.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.platform, 'telegram'), eq(outbox.roomId, '666')))
      .all();
    expect(told.map((row) => row.text)).toEqual([expect.stringContaining('关联已确认：这个账号已关联到 金阿姨 的账号')]);
    expect(actions(demo)).toEqual(['identity.linkRequested', 'identity.link', 'identity.linkConfirmed']);
    // decided once
    expect((await demo.say('jin', 'dm:jin', `确认关联 ${ref}`))[0]?.text).toBe(`关联请求 ${ref} 已经处理过了。`);
  });

  it('leaves the account on its own when the owner refuses, and tells it', async () => {
    const demo = demoChat();
    const jin = demo.ids.members.jin.id;
    await onTelegram(demo, '666', `/start ${createBindingCode(staffToken(demo), { memberId: jin }).code}`);
    const [ask] = demo.services.db.select().from(outbox).where(eq(outbox.source, 'link-request')).all();
    const ref = requestRef(ask!.text);
    const [refused] = await demo.say('jin', 'dm:jin', `/linkrefuse ${ref}`);
    expect(refused?.text).toBe('已拒绝，「陌生人」没有关联到你的账号。');
    expect(memberOf(demo, '666')).not.toBe(jin);
    const told = demo.services.db.select().from(outbox).where(eq(outbox.roomId, '666')).all();
    expect(told.map((row) => row.text)).toEqual(['❌ 账号本人拒绝了这次关联，这个账号没有关联。']);
    expect(actions(demo)).toEqual(['identity.linkRequested', 'identity.linkRefused']);
  });

  it('can be confirmed by an admin, and not after three days', async () => {
    const demo = demoChat();
    const jin = demo.ids.members.jin.id;
    await onTelegram(demo, '666', `/start ${createBindingCode(staffToken(demo), { memberId: jin }).code}`);
    await onTelegram(demo, '777', `/start ${createBindingCode(staffToken(demo), { memberId: jin }).code}`);
    const [first, second] = demo.services.db.select().from(outbox).where(eq(outbox.source, 'link-request')).all();
    const admin: Ctx = { ...demo.system, actor: { kind: 'token', tokenId: 1, label: 'root' } };
    decideLink(admin, Number(requestRef(first!.text)), 'confirm');
    expect(memberOf(demo, '666')).toBe(jin);
    demo.clock.advance(3 * DAY);
    expect(() => decideLink(admin, Number(requestRef(second!.text)), 'confirm')).toThrow(expect.objectContaining({ code: 'EXPIRED' }));
    expect(memberOf(demo, '777')).not.toBe(jin);
    const confirmedBy = demo.services.db.select().from(auditLog).where(eq(auditLog.action, 'identity.linkConfirmed')).get();
    expect(confirmedBy).toMatchObject({ actorKind: 'token', actorId: '1', targetId: String(jin) });
  });

  it('waits for an admin when the owner has no private chat to be asked in', async () => {
    const demo = demoChat();
    const member = createMember(demo.system, { name: '刘大爷' });
    demo.services.db
      .insert(identities)
      .values({ platform: 'wechat', platformUserId: 'wx-liu', memberId: member.id, displayName: '刘大爷', createdAt: new Date() })
      .run();
    const { replies } = await onTelegram(demo, '666', `/start ${createBindingCode(staffToken(demo), { memberId: member.id }).code}`);
    expect(replies[0]?.text).toContain('需要管理员确认');
    expect(memberOf(demo, '666')).not.toBe(member.id);
  });
});

describe('link codes that prove who says them', () => {
  it("links in one step with the member's own 关联码, made in the chat she already uses", async () => {
    const demo = demoChat();
    const [made] = await demo.say('jin', 'dm:jin', '关联码');
    const code = /关联码：([A-Z0-9]+)/.exec(made!.text)![1]!;
    const { replies } = await onTelegram(demo, '555', `/start ${code}`);
    expect(replies[0]?.text).toContain('已关联到 金阿姨 的账号');
    expect(memberOf(demo, '555')).toBe(demo.ids.members.jin.id);
    expect(actions(demo)).toEqual(['identity.link']);
  });

  it('links a member staff registered, whom nobody uses yet, in one step: the normal onboarding', async () => {
    const demo = demoChat();
    const member = createMember(demo.system, { name: '刘大爷' });
    const { replies } = await onTelegram(demo, '555', `/start ${createBindingCode(staffToken(demo), { memberId: member.id }).code}`);
    expect(replies[0]?.text).toContain('已关联到 刘大爷 的账号');
    expect(memberOf(demo, '555')).toBe(member.id);
  });
});
