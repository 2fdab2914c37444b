import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { members } from '../../../src/db/schema/index.js';
import { adjust } from '../../../src/domain/ledger/adjust.js';
import { redeem } from '../../../src/domain/rewards/redeem.js';
import { balanceOf, memberAccount } from '../../../src/domain/ledger/accounts.js';
import { reconcile } from '../../../src/domain/ledger/reconcile.js';
import { createBindingCode } from '../../../src/domain/org/binding-codes.js';
import { findIdentity } from '../../../src/domain/org/identities.js';
import { grantRole } from '../../../src/domain/org/members.js';
import { demoChat } from '../../helpers/services.js';

describe('linking a second platform account', () => {
  it('moves the identity, and the points the other record held, to the member the code names', async () => {
    const demo = demoChat();
    const dm = (text: string, id: string) =>
      demo.services.core.handle({
        platform: 'telegram', roomId: '900', roomName: 'Jin', isPrivate: true, senderId: '900', senderName: 'Jin',
        messageId: id, text,
      });
    await dm('/help', '1'); // a stranger on Telegram becomes a record of their own
    const stranger = findIdentity(demo.services.db, 'telegram', '900')!.memberId;
    expect(stranger).not.toBe(demo.ids.members.jin.id);
    grantRole(demo.system, { memberId: stranger, role: 'resident', unitId: demo.ids.units.grid1.id });
    adjust(demo.system, { memberId: stranger, unitId: demo.ids.units.community.id, points: 35, reason: '花园认养', idempotencyKey: 'garden-1' });
    const { voucher } = redeem({ ...demo.system, actor: { kind: 'member', memberId: stranger } }, { rewardId: 1, idempotencyKey: 'before-linking' });

    const code = createBindingCode(demo.system, { memberId: demo.ids.members.jin.id }).code;
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
