import { describe, expect, it } from 'vitest';
import { authenticateToken, createToken, hashToken, ROOT_TOKEN_ID, revokeToken } from '../../src/domain/tokens.js';
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

  it('accept a merchant whose grant is on, above or below the token’s unit', () => {
    const { system, ids } = demoChat();
    const { barber } = ids.members; // merchant at the community
    for (const unit of [ids.units.community, ids.units.street, ids.units.grid1]) {
      expect(createToken(system, { role: 'merchant', unitId: unit.id, merchantId: barber.id, label: 'x' }).token.merchantId).toBe(barber.id);
    }
  });
});
