import { describe, expect, it } from 'vitest';
import { activeGrants, revokeRole } from '../../src/domain/org/members.js';
import { authenticateToken, createToken, hashToken, principalStillHolds, ROOT_TOKEN_ID, revokeToken } from '../../src/domain/tokens.js';
import { demoChat } from '../helpers/services.js';

describe('API tokens', () => {
  it('are random, prefixed, and found by their hash only', () => {
    const { system, ids } = demoChat();
    const a = createToken(system, { role: 'staff', unitId: ids.units.grid1.id, label: 'a' });
    const b = createToken(system, { role: 'staff', unitId: ids.units.grid1.id, label: 'b' });
    expect(a.secret).not.toBe(b.secret);
    expect(a.token.hash).toBe(hashToken(a.secret));
    expect(authenticateToken(system, a.secret, undefined)).toEqual({
      tokenId: a.token.id,
      label: 'a',
      role: 'staff',
      unitId: ids.units.grid1.id,
      merchantId: null,
    });
    expect(authenticateToken(system, a.token.hash, undefined)).toBeUndefined();
    revokeToken(system, a.token.id);
    expect(authenticateToken(system, a.secret, undefined)).toBeUndefined();
  });

  it('treat the configured root token as a whole-tree admin', () => {
    const { system } = demoChat();
    const root = 'r'.repeat(32);
    expect(authenticateToken(system, root, root)).toMatchObject({ tokenId: ROOT_TOKEN_ID, role: 'admin', unitId: null });
    expect(authenticateToken(system, root, undefined)).toBeUndefined();
  });

  it('accept a merchant whose grant is on or below the token’s unit, not above it', () => {
    const { system, ids } = demoChat();
    const { barber } = ids.members; // merchant at the community
    for (const unitId of [ids.units.community.id, ids.units.street.id, null]) {
      expect(createToken(system, { role: 'merchant', unitId, merchantId: barber.id, label: 'x' }).token.merchantId).toBe(barber.id);
    }
    // a grid's token would outlive the grid's say over a shop it does not run
    expect(() => createToken(system, { role: 'merchant', unitId: ids.units.grid1.id, merchantId: barber.id, label: 'x' })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', key: 'token.notAMerchant' }),
    );
  });

  it('a merchant token holds only while its merchant trades in its unit', () => {
    const { system, ids, services } = demoChat();
    const { barber } = ids.members;
    const { secret } = createToken(system, { role: 'merchant', unitId: ids.units.community.id, merchantId: barber.id, label: 'x' });
    const principal = authenticateToken(system, secret, undefined)!;
    expect(principalStillHolds(services.db, principal)).toBe(true);
    const grant = activeGrants(services.db, barber.id).find((g) => g.role === 'merchant')!;
    revokeRole(system, barber.id, grant.id);
    expect(principalStillHolds(services.db, principal)).toBe(false);
  });
});
