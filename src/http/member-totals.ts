import type { Db } from '../db/client.js';
import { balanceOf, memberAccount } from '../domain/ledger/accounts.js';
import { hoursOf } from '../domain/timebank/hours.js';

export interface MemberTotals {
  /** Points the member can spend. */
  balance: number;
  /** Hours of service the member gave. */
  hoursGiven: number;
  /** Hours of service the member received. */
  hoursReceived: number;
}

/** The time-bank figures GET /members/{id} shows: the ledger's balance and the credited hours. */
export function memberTotals(db: Db, memberId: number): MemberTotals {
  const { givenMinutes, receivedMinutes } = hoursOf(db, memberId);
  return { balance: balanceOf(db, memberAccount(memberId)), hoursGiven: givenMinutes / 60, hoursReceived: receivedMinutes / 60 };
}
