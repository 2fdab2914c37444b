import { eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, identities, members, rewards } from '../../../src/db/schema/index.js';
import { adjust } from '../../../src/domain/ledger/adjust.js';
import { redeem } from '../../../src/domain/rewards/redeem.js';
import { balanceOf, memberAccount, merchantAccount } from '../../../src/domain/ledger/accounts.js';
import { verifyVoucher } from '../../../src/domain/rewards/verify.js';
import { authenticateToken, createToken, principalStillHolds } from '../../../src/domain/tokens.js';
import { reconcile } from '../../../src/domain/ledger/reconcile.js';
import { findIdentity, linkIdentity } from '../../../src/domain/org/identities.js';
import { monthRange } from '../../../src/domain/month.js';
import { claimTask } from '../../../src/domain/timebank/claim.js';
import { completeTask } from '../../../src/domain/timebank/complete.js';
import { confirmCompletion } from '../../../src/domain/timebank/confirm.js';
import { hoursOf } from '../../../src/domain/timebank/hours.js';
import { topVolunteers } from '../../../src/domain/timebank/leaderboard.js';
import { postTask, postWish } from '../../../src/domain/timebank/post-wish.js';
import { completionsOf, getTask } from '../../../src/domain/timebank/tasks.js';
import { activeGrants, grantRole, hasRole, membersWithRoleAt } from '../../../src/domain/org/members.js';
import { demoChat, ownLinkCode } from '../../helpers/services.js';
import { demoDomain } from '../../helpers/timebank.js';

describe('linking a second platform account', () => {
  it('moves the identity, and the points the other record held, to the member the code names', async () => {
    const demo = demoChat();
    const dm = (text: string, id: string) =>
      demo.services.core.handle({
        platform: 'telegram',
        roomId: '900',
        roomName: 'Jin',
        isPrivate: true,
        senderId: '900',
        senderName: 'Jin',
        messageId: id,
        text,
      });
    await dm('/help', '1'); // a stranger on Telegram becomes a record of their own
    const stranger = findIdentity(demo.services.db, 'telegram', '900')!.memberId;
    expect(stranger).not.toBe(demo.ids.members.jin.id);
    grantRole(demo.system, { memberId: stranger, role: 'resident', unitId: demo.ids.units.grid1.id });
    adjust(demo.system, { memberId: stranger, unitId: demo.ids.units.community.id, points: 35, reason: '花园认养', idempotencyKey: 'garden-1' });
    const { voucher } = redeem({ ...demo.system, actor: { kind: 'member', memberId: stranger } }, { rewardId: 1, idempotencyKey: 'before-linking' });

    const code = ownLinkCode(demo.system, demo.ids.members.jin.id);
    const linked = await dm(`/bind ${code}`, '2');
    expect(linked.replies[0]?.text).toContain('金阿姨');
    expect(findIdentity(demo.services.db, 'telegram', '900')?.memberId).toBe(demo.ids.members.jin.id);
    expect(demo.services.db.select().from(members).where(eq(members.id, stranger)).get()?.mergedInto).toBe(demo.ids.members.jin.id);
    expect(balanceOf(demo.services.db, memberAccount(stranger))).toBe(0);
    expect(balanceOf(demo.services.db, memberAccount(demo.ids.members.jin.id))).toBe(15);
    expect(reconcile(demo.services.db).ok).toBe(true);
    // the voucher bought before linking is hers now: she sees it and may refund it
    const mine = await dm('/vouchers', '3');
    expect(mine.replies[0]?.text).toContain(voucher.code);
    const refunded = await dm(`/refund ${voucher.code}`, '4');
    expect(refunded.replies[0]?.text).toContain('退');
    expect(balanceOf(demo.services.db, memberAccount(demo.ids.members.jin.id))).toBe(35);
  });
});

describe('a link code made out to a record since merged', () => {
  it('links to the person the record became, keeping every merge one step long', () => {
    const demo = demoDomain();
    const { db } = demo.services;
    const { jin, wang, yang } = demo.ids.members;
    demo.grant('jin', 40);
    linkIdentity(demo.system, { platform: 'shell', platformUserId: 'wang', displayName: '王阿姨' }, yang.id);
    // an old code for wang's record, used by jin's account
    linkIdentity(demo.system, { platform: 'shell', platformUserId: 'jin', displayName: '金阿姨' }, wang.id);
    expect(findIdentity(db, 'shell', 'jin')!.memberId).toBe(yang.id);
    const merged = db
      .select()
      .from(members)
      .where(inArray(members.id, [jin.id, wang.id, yang.id]))
      .all();
    expect(Object.fromEntries(merged.map((m) => [m.id, m.mergedInto]))).toEqual({ [jin.id]: yang.id, [wang.id]: yang.id, [yang.id]: null });
    expect(balanceOf(db, memberAccount(yang.id))).toBe(40);
    // the account already with that person: nothing changes, and no record is merged into itself
    linkIdentity(demo.system, { platform: 'shell', platformUserId: 'wang', displayName: '王阿姨' }, wang.id);
    expect(db.select().from(members).where(eq(members.id, wang.id)).get()!.mergedInto).toBe(yang.id);
    expect(reconcile(db).ok).toBe(true);
  });
});

describe('merging records that served and were served', () => {
  const sender = { platform: 'shell', platformUserId: 'wang', displayName: '王阿姨' };

  it('pays service reported before the merge to the member the record was merged into', () => {
    const demo = demoDomain();
    const { jin, wang, yang } = demo.ids.members;
    const task = postWish(demo.as('jin'), { unitId: demo.ids.units.grid1.id, title: '帮忙买菜' });
    claimTask(demo.as('wang'), { taskId: task.id });
    completeTask(demo.as('wang'), { taskId: task.id, minutes: 120 });
    linkIdentity(demo.system, sender, yang.id);
    confirmCompletion(demo.as('jin'), { taskId: task.id });
    expect(balanceOf(demo.services.db, memberAccount(wang.id))).toBe(0);
    expect(hoursOf(demo.services.db, wang.id).givenMinutes).toBe(0);
    expect(balanceOf(demo.services.db, memberAccount(yang.id))).toBe(20);
    expect(hoursOf(demo.services.db, yang.id).givenMinutes).toBe(120);
    expect(hoursOf(demo.services.db, jin.id).receivedMinutes).toBe(120);
    expect(reconcile(demo.services.db).ok).toBe(true);
  });

  it('lets the person correct their report and confirm their open wish as the member they now use', () => {
    const demo = demoDomain();
    const { yang } = demo.ids.members;
    const served = postWish(demo.as('jin'), { unitId: demo.ids.units.grid1.id, title: '买菜' });
    claimTask(demo.as('wang'), { taskId: served.id });
    completeTask(demo.as('wang'), { taskId: served.id, minutes: 60 });
    const asked = postWish(demo.as('wang'), { unitId: demo.ids.units.grid1.id, title: '换灯泡' });
    claimTask(demo.as('jin'), { taskId: asked.id });
    completeTask(demo.as('jin'), { taskId: asked.id, minutes: 30 });
    linkIdentity(demo.system, sender, yang.id);
    expect(completeTask(demo.as('yang'), { taskId: served.id, minutes: 90 })).toMatchObject({ corrected: true });
    expect(getTask(demo.services.db, asked.id).requesterId).toBe(yang.id);
    expect(confirmCompletion(demo.as('yang'), { taskId: asked.id }).credited).toMatchObject([{ name: '金阿姨', points: 5 }]);
    expect(hoursOf(demo.services.db, yang.id).receivedMinutes).toBe(30);
  });

  it('counts hours credited before the merge for the person, on one line of the leaderboard', () => {
    const demo = demoDomain();
    const { wang, yang } = demo.ids.members;
    const before = postWish(demo.as('jin'), { unitId: demo.ids.units.grid1.id, title: '买菜' });
    claimTask(demo.as('wang'), { taskId: before.id });
    completeTask(demo.as('wang'), { taskId: before.id, minutes: 60 });
    confirmCompletion(demo.as('jin'), { taskId: before.id });
    const own = postWish(demo.as('jin'), { unitId: demo.ids.units.grid1.id, title: '修水管' });
    claimTask(demo.as('yang'), { taskId: own.id });
    completeTask(demo.as('yang'), { taskId: own.id, minutes: 30 });
    confirmCompletion(demo.as('jin'), { taskId: own.id });
    linkIdentity(demo.system, sender, yang.id);
    expect(hoursOf(demo.services.db, yang.id).givenMinutes).toBe(90);
    // the credit stays on the record it was posted to; the merge moved the balance
    expect(completionsOf(demo.services.db, before.id)[0]!.volunteerId).toBe(wang.id);
    expect(balanceOf(demo.services.db, memberAccount(yang.id))).toBe(15);
    const month = monthRange(demo.clock.now(), 'Asia/Shanghai');
    expect(topVolunteers(demo.services.db, { unitId: demo.ids.units.community.id, from: month.start, to: month.end })).toMatchObject([
      { memberId: yang.id, name: '杨幼红', minutes: 90, points: 15 },
    ]);
  });

  it('pays a slot both records held on one task to the person, who cannot confirm it', () => {
    const demo = demoDomain();
    const { wang, yang } = demo.ids.members;
    const patrol = postTask(demo.as('li'), { unitId: demo.ids.units.grid1.id, title: '巡逻', slots: 2 });
    for (const who of ['wang', 'yang'] as const) {
      claimTask(demo.as(who), { taskId: patrol.id });
      completeTask(demo.as(who), { taskId: patrol.id, minutes: 60 });
    }
    linkIdentity(demo.system, sender, yang.id);
    expect(() => confirmCompletion(demo.as('yang'), { taskId: patrol.id, volunteerId: wang.id })).toThrow('confirm.notYourself');
    confirmCompletion(demo.as('li'), { taskId: patrol.id });
    expect(balanceOf(demo.services.db, memberAccount(wang.id))).toBe(0);
    expect(balanceOf(demo.services.db, memberAccount(yang.id))).toBe(20);
    expect(hoursOf(demo.services.db, yang.id).givenMinutes).toBe(120);
    expect(reconcile(demo.services.db).ok).toBe(true);
  });

  it('grants points named for the merged record to the member it was merged into', () => {
    const demo = demoDomain();
    const { wang, yang } = demo.ids.members;
    linkIdentity(demo.system, sender, yang.id);
    adjust(demo.as('li'), { memberId: wang.id, unitId: demo.ids.units.grid1.id, points: 5, reason: '花园认养', idempotencyKey: 'late' });
    expect(balanceOf(demo.services.db, memberAccount(wang.id))).toBe(0);
    expect(balanceOf(demo.services.db, memberAccount(yang.id))).toBe(5);
  });
});

describe('merging records that held roles', () => {
  const link = (demo: ReturnType<typeof demoDomain>, platformUserId: string, into: number) =>
    linkIdentity(demo.system, { platform: 'shell', platformUserId, displayName: platformUserId }, into);
  const roles = (demo: ReturnType<typeof demoDomain>, memberId: number) =>
    activeGrants(demo.services.db, memberId)
      .map((g) => `${g.role}@${g.unitId}`)
      .sort();

  it('grants the survivor the roles it lacked, revokes them all on the merged record, and audits each', () => {
    const demo = demoDomain();
    const { jin, yang } = demo.ids.members;
    const { grid1, community } = demo.ids.units;
    // yang: resident of grid 1 and volunteer of the community; jin: resident of grid 1 only
    link(demo, 'yang', jin.id);
    expect(roles(demo, jin.id)).toEqual([`resident@${grid1.id}`, `volunteer@${community.id}`].sort());
    expect(roles(demo, yang.id)).toEqual([]);
    expect(hasRole(demo.services.db, jin.id, 'volunteer', grid1.id)).toBe(true);
    expect(membersWithRoleAt(demo.services.db, community.id, 'volunteer').map((m) => m.id)).toEqual([jin.id]);
    const entries = demo.services.db
      .select()
      .from(auditLog)
      .where(inArray(auditLog.action, ['role.grant', 'role.revoke', 'member.merge']))
      .all()
      .slice(-4);
    expect(entries.map((e) => [e.action, e.targetId, e.data])).toEqual([
      ['role.revoke', String(yang.id), expect.objectContaining({ role: 'resident', unitId: grid1.id, mergedInto: jin.id })],
      ['role.revoke', String(yang.id), expect.objectContaining({ role: 'volunteer', unitId: community.id, mergedInto: jin.id })],
      ['role.grant', String(jin.id), expect.objectContaining({ role: 'volunteer', unitId: community.id, mergedFrom: yang.id })],
      ['member.merge', String(jin.id), expect.objectContaining({ from: yang.id, roles: [`volunteer@${community.id}`] })],
    ]);
  });

  it('keeps a merchant selling as the record they use: role, rewards, settlement and API token', () => {
    const demo = demoDomain();
    const { barber, yang } = demo.ids.members;
    const reward = demo.services.db.select().from(rewards).where(eq(rewards.merchantId, barber.id)).get()!;
    const { secret } = createToken(demo.as('admin'), { role: 'merchant', unitId: demo.ids.units.community.id, merchantId: barber.id, label: '理发店收银' });
    demo.grant('jin', 40);
    const first = redeem(demo.as('jin'), { rewardId: reward.id, idempotencyKey: 'a' }).voucher;
    const second = redeem(demo.as('jin'), { rewardId: reward.id, idempotencyKey: 'b' }).voucher;
    verifyVoucher(demo.as('barber'), { code: first.code });

    link(demo, 'barber', yang.id);
    expect(roles(demo, yang.id)).toContain(`merchant@${demo.ids.units.community.id}`);
    expect(demo.services.db.select().from(rewards).where(eq(rewards.id, reward.id)).get()?.merchantId).toBe(yang.id);
    expect(verifyVoucher(demo.as('yang'), { code: second.code }).voucher.status).toBe('used');
    expect(balanceOf(demo.services.db, merchantAccount(barber.id))).toBe(0);
    expect(balanceOf(demo.services.db, merchantAccount(yang.id))).toBe(2 * reward.pointsCost);
    const principal = authenticateToken(demo.services.deps, secret, undefined)!;
    expect(principal.merchantId).toBe(yang.id);
    expect(principalStillHolds(demo.services.db, principal)).toBe(true);
    expect(reconcile(demo.services.db).ok).toBe(true);
  });

  it('leaves the records as they were when the account still points elsewhere', () => {
    const demo = demoDomain();
    const { yang, jin } = demo.ids.members;
    demo.services.db
      .insert(identities)
      .values({ platform: 'telegram', platformUserId: '77', memberId: yang.id, displayName: '杨', createdAt: demo.clock.now() })
      .run();
    link(demo, 'yang', jin.id);
    // yang still has a Telegram account: her record is not merged and keeps her roles
    expect(roles(demo, yang.id)).toHaveLength(2);
    expect(roles(demo, jin.id)).toEqual([`resident@${demo.ids.units.grid1.id}`]);
  });
});
