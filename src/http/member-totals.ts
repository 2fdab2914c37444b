import type { Db } from '../db/client.js';

export interface MemberTotals {
  /** Points the member can spend. */
  balance: number;
  /** Hours of service the member gave. */
  hoursGiven: number;
  /** Hours of service the member received. */
  hoursReceived: number;
}

/**
 * The time-bank figures GET /members/{id} shows. This is the one place they come from: the time-bank
 * fills them in from its ledger. Until it exists, everyone has none.
 */
export function memberTotals(_db: Db, _memberId: number): MemberTotals {
  return { balance: 0, hoursGiven: 0, hoursReceived: 0 };
}
