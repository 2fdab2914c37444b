import type { Clock } from '../clock.js';
import type { Lang } from '../config.js';
import type { Db } from '../db/client.js';
import type { Render } from './notice.js';

/** Who is acting. Every change names one, so audit rows and ledger entries say who did it. */
export type Actor =
  | { kind: 'member'; memberId: number }
  /** `lang`: the language the API caller reads (Accept-Language), for times worded in its answers. */
  | { kind: 'token'; tokenId: number; label: string; lang?: Lang }
  | { kind: 'system'; job: string };

export interface Settings {
  /** Language of rooms and members that have not chosen one. */
  lang: Lang;
  timeZone: string;
  /** Where uploaded images live. */
  dataDir: string;
}

/** What every domain function may use; passed in, never imported as a global. */
export interface Deps {
  db: Db;
  clock: Clock;
  settings: Settings;
  /** Words the notices the domain leaves in the outbox: the chat layer's renderNotice, passed in. */
  render: Render;
}

export interface Ctx extends Deps {
  actor: Actor;
}

export const systemActor = (job: string): Actor => ({ kind: 'system', job });
export const memberActor = (memberId: number): Actor => ({ kind: 'member', memberId });

export function actorId(actor: Actor): string {
  switch (actor.kind) {
    case 'member':
      return String(actor.memberId);
    case 'token':
      return String(actor.tokenId);
    case 'system':
      return actor.job;
  }
}
