/**
 * Kill -9 under load: the shell chat and the API server share one database file while chat messages
 * (reports, takes, resolutions, wishes, claims, completions, confirmations, purchases) and API calls
 * (adjustments, restocks, voucher uses, each with an Idempotency-Key) run against it, and one or both
 * processes are SIGKILLed at a random point. Whatever was acknowledged (an API 2xx, a chat reply read
 * back) must survive; the ledger and stock must add up; the outbox must deliver what is pending once
 * the chat is back (within a lease) and send a row twice at most once per crash.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/client.js';
import { reconcile } from '../../src/domain/ledger/reconcile.js';
import { ApiProc, type Said, ShellProc } from './procs.js';

const TOKEN = 'chaos-kill-admin-token-0123456789abcdefgh';
const SEED = 1313;
/** Kills in all; each round kills the API server, the chat or both. */
const KILLS = 22;
/** The outbox lease (OutboxDispatcher's lockMs) and a minute more: after it every claim has lapsed. */
const PAST_A_LEASE = 'PT11M';

/** A fixed-seed sequence of numbers in [0, 1), so the rounds (which process dies, and when) repeat. */
function random(seed: number): () => number {
  const [values] = fc.sample(fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 2000, maxLength: 2000 }), {
    seed,
    numRuns: 1,
  });
  let i = 0;
  return () => values![i++ % values!.length]!;
}

/** What the processes acknowledged, to be found in the database after every crash. */
interface Acknowledged {
  /** Ticket number → its reporter's unique text. */
  reported: Map<number, string>;
  taken: Set<number>;
  resolved: Set<number>;
  /** Wish number → its unique text. */
  wished: Map<number, string>;
  claimed: Set<number>;
  completed: Set<number>;
  confirmed: Set<number>;
  /** Voucher codes bought in the chat. */
  bought: Set<string>;
  /** Adjustment reasons (unique) → the transaction the API answered with. */
  adjusted: Map<string, number>;
  /** Restock notes (unique). */
  restocked: Set<string>;
  /** Voucher codes used through the API. */
  used: Set<string>;
}

const ticketIn = (said: Said[] | undefined, pattern: RegExp) => {
  for (const s of said ?? []) {
    const m = pattern.exec(s.text);
    if (m) return m[1]!;
  }
  return undefined;
};

describe('SIGKILL under a mixed load of chat and API', () => {
  const dir = mkdtempSync(join(tmpdir(), 'linli-chaos-kill-'));
  const file = join(dir, 'linli.db');
  let api: ApiProc | undefined;
  let shell: ShellProc | undefined;
  /** Everything every shell process printed, across restarts. */
  const printed: Said[] = [];
  let db: Db | undefined;

  afterAll(async () => {
    await api?.proc.kill();
    await shell?.proc.kill();
    db?.$client.close();
  });

  it('keeps every acknowledged change, the ledger, the stock and the outbox through 20+ kills', async () => {
    const rand = random(SEED);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
    const ack: Acknowledged = {
      reported: new Map(),
      taken: new Set(),
      resolved: new Set(),
      wished: new Map(),
      claimed: new Set(),
      completed: new Set(),
      confirmed: new Set(),
      bought: new Set(),
      adjusted: new Map(),
      restocked: new Set(),
      used: new Set(),
    };
    let nonce = 0;
    const unique = (what: string) => `${what} chaos${++nonce}`;
    /** The shell chat's simulated time: each start begins after the last one ended, so nothing it wrote lies ahead. */
    let shellTime = new Date();
    let shellKills = 0;
    let kills = 0;

    // The API server seeds the demo neighbourhood alone; the chat joins once the database is there.
    const startApi = async () => {
      api = new ApiProc(file, TOKEN);
      const url = await api.url;
      expect(url, api.proc.stderr).toBeDefined();
      return url!;
    };
    let base = await startApi();
    db = openDatabase(file, { migrate: false });
    const startShell = async () => {
      shellTime = new Date(Math.max(Date.now(), shellTime.getTime() + 60_000));
      shell = new ShellProc(file, { clock: shellTime, seed: false });
      // Past a lease: whatever a killed chat had claimed is due again, and the drain after the sync sends it.
      const woke = await shell.raw(JSON.stringify({ advance: PAST_A_LEASE }));
      expect(woke, shell.proc.stderr).toBeDefined();
      shellTime = new Date(shellTime.getTime() + 11 * 60_000);
    };
    await startShell();

    const call = async (method: string, path: string, body: unknown, key: string): Promise<{ status: number; body: any } | undefined> => {
      try {
        const response = await fetch(`${base}/api/v1${path}`, {
          method,
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'idempotency-key': key },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        return { status: response.status, body: await response.json() };
      } catch {
        return undefined; // the server died with the request in flight: not acknowledged
      }
    };
    const idOf = (sql: string, name: string) => (db!.$client.prepare(sql).get(name) as { id: number }).id;
    const ids = {
      reward: idOf('SELECT id FROM rewards WHERE name = ?', '理发券'),
      yang: idOf('SELECT id FROM members WHERE name = ?', '杨幼红'),
      community: idOf('SELECT id FROM units WHERE name = ?', '荷东社区'),
    };

    /** API requests not answered when the server died: retried with their key once it is back. */
    let unanswered: { method: string; path: string; body: unknown; key: string; record: (answer: { status: number; body: any }) => void }[] = [];
    const request = async (
      method: string,
      path: string,
      body: unknown,
      record: (answer: { status: number; body: any }) => void,
      key = `chaos-key-${++nonce}`,
    ) => {
      const answer = await call(method, path, body, key);
      if (!answer) unanswered.push({ method, path, body, key, record });
      else {
        expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(500);
        if (answer.status < 300) record(answer);
      }
    };
    const adjust = () => {
      const reason = unique('奖励');
      return request('POST', '/ledger/adjustments', { memberId: ids.yang, unitId: ids.community, points: 40, reason }, (a) => {
        ack.adjusted.set(reason, a.body.transactionId);
      });
    };
    const restock = () => {
      const note = unique('补货');
      return request('POST', `/rewards/${ids.reward}/restock`, { quantity: 1 + Math.floor(rand() * 3), note }, () => ack.restocked.add(note));
    };
    const use = () => {
      const code = [...ack.bought].find((c) => !ack.used.has(c));
      if (!code) return adjust();
      return request('POST', `/vouchers/${code}/redeem`, undefined, (a) => {
        if (a.status === 200) ack.used.add(code);
      });
    };

    /** One chat flow, step by step while each step is acknowledged. */
    const flows = [
      async (s: ShellProc) => {
        const text = unique('3号楼路灯坏了');
        const t = ticketIn(await s.say('grid-1', 'jin', `报事! ${text}`), /工单号 T(\d+)/);
        if (!t) return;
        ack.reported.set(Number(t), text);
        if (!ticketIn(await s.say('grid-1-staff', 'li', `接单 T${t}`), /你已接单 T(\d+)/)) return;
        ack.taken.add(Number(t));
        if (!ticketIn(await s.say('grid-1-staff', 'li', `办结 T${t}`), /T(\d+) 已办结/)) return;
        ack.resolved.add(Number(t));
      },
      async (s: ShellProc) => {
        const text = unique('帮忙买菜');
        const w = ticketIn(await s.say('grid-1', 'wang', `心愿 ${text}`), /微心愿 W(\d+)/);
        if (!w) return;
        ack.wished.set(Number(w), text);
        if (!ticketIn(await s.say('grid-1', 'yang', `认领 W${w}`), /认领了 W(\d+)/)) return;
        ack.claimed.add(Number(w));
        if (!ticketIn(await s.say('grid-1', 'yang', `完成 W${w} 1小时`), /已记录 W(\d+)/)) return;
        ack.completed.add(Number(w));
        if (!ticketIn(await s.say('grid-1', 'wang', `确认 W${w}`), /已确认 W(\d+)/)) return;
        ack.confirmed.add(Number(w));
      },
      async (s: ShellProc) => {
        const code = ticketIn(await s.say('dm:yang', 'yang', `兑换 G${ids.reward}`), /券码：([A-Z0-9]+)/);
        if (code) ack.bought.add(code);
      },
    ];

    const check = (when: string) => {
      const d = db!.$client;
      const one = <T>(sql: string, ...params: unknown[]) => d.prepare(sql).get(...params) as T | undefined;
      for (const [t, text] of ack.reported) {
        expect(one<{ text: string }>('SELECT text FROM tickets WHERE id = ?', t)?.text, `${when}: T${t}`).toContain(text);
      }
      const eventOf = (t: number, kind: string) => one('SELECT 1 AS x FROM ticket_events WHERE ticket_id = ? AND kind = ?', t, kind);
      for (const t of ack.taken) expect(eventOf(t, 'take'), `${when}: T${t} taken`).toBeDefined();
      for (const t of ack.resolved) expect(eventOf(t, 'resolve'), `${when}: T${t} resolved`).toBeDefined();
      for (const [w, text] of ack.wished) {
        expect(one<{ title: string }>('SELECT title FROM tasks WHERE id = ?', w)?.title, `${when}: W${w}`).toContain(text);
      }
      const claim = (w: number) => one<{ status: string }>('SELECT status FROM task_claims WHERE task_id = ?', w);
      for (const w of ack.claimed) expect(claim(w), `${when}: W${w} claimed`).toBeDefined();
      for (const w of ack.completed) {
        expect(one('SELECT 1 AS x FROM task_completions WHERE task_id = ?', w), `${when}: W${w} done`).toBeDefined();
      }
      for (const w of ack.confirmed) {
        expect(one('SELECT 1 AS x FROM ledger_transactions WHERE reason = ? AND memo LIKE ?', 'task', `W${w} %`), `${when}: W${w} paid`).toBeDefined();
      }
      for (const code of ack.bought) expect(one('SELECT 1 AS x FROM vouchers WHERE code = ?', code), `${when}: voucher ${code}`).toBeDefined();
      for (const code of ack.used) {
        expect(one<{ status: string }>('SELECT status FROM vouchers WHERE code = ?', code)?.status, `${when}: ${code} used`).toBe('used');
      }
      // A retried request with its key applied once, and the answer named the transaction that was kept.
      for (const [reason, id] of ack.adjusted) {
        expect(d.prepare('SELECT id FROM ledger_transactions WHERE memo = ?').all(reason), `${when}: adjustment ${reason}`).toEqual([{ id }]);
      }
      for (const note of ack.restocked) {
        expect(d.prepare('SELECT id FROM stock_movements WHERE note = ?').all(note), `${when}: restock ${note}`).toHaveLength(1);
      }
      const report = reconcile(db!);
      expect(report, `${when}: ${JSON.stringify(report)}`).toMatchObject({ ok: true });

      // The outbox: every shell row delivered once the chat is back (it drains after each message), and
      // printed at least once for each row marked sent, at most once more for each time the chat was killed.
      const pending = d.prepare("SELECT id, room_id AS room, text FROM outbox WHERE platform = 'shell' AND status <> 'sent'").all();
      expect(pending, `${when}: undelivered`).toEqual([]);
      const sent = d.prepare("SELECT room_id AS room, text FROM outbox WHERE platform = 'shell' AND status = 'sent'").all() as Said[];
      const count = (list: Said[]) => {
        const by = new Map<string, number>();
        for (const s of list) by.set(`${s.room}\u0000${s.text}`, (by.get(`${s.room}\u0000${s.text}`) ?? 0) + 1);
        return by;
      };
      const printedBy = count([...printed, ...(shell?.said ?? [])]);
      let extra = 0;
      for (const [key, n] of count(sent)) {
        const p = printedBy.get(key) ?? 0;
        expect(p, `${when}: printed ${key.replace('\u0000', ': ')}`).toBeGreaterThanOrEqual(n);
        extra += p - n;
      }
      // Extra prints of a row's text are a second send, or a reply that happens to read the same: both bounded.
      expect(extra, `${when}: rows sent twice`).toBeLessThanOrEqual(shellKills);
    };

    for (let round = 0; kills < KILLS; round++) {
      if (!api?.proc.alive) base = await startApi();
      // Requests the server never answered, retried with their keys: each applies once.
      const retry = unanswered;
      unanswered = [];
      for (const r of retry) await request(r.method, r.path, r.body, r.record, r.key);
      if (!shell?.proc.alive) {
        if (shell) printed.push(...shell.said);
        await startShell();
      } else {
        // Sent by the API meanwhile: delivered by the drain after the next message.
        expect(await shell.raw(JSON.stringify({ advance: 'PT1M' })), shell.proc.stderr).toBeDefined();
        shellTime = new Date(shellTime.getTime() + 60_000);
      }
      check(`round ${round}, before the load`);

      // The load: the chat runs its flows while the API adjusts, restocks and uses vouchers, until the kill.
      let stop = false;
      const chatLoad = (async () => {
        const s = shell!;
        while (!stop && s.proc.alive) await pick(flows)(s);
      })();
      const apiLoad = (async () => {
        while (!stop && api!.proc.alive) await pick([adjust, restock, use])();
      })();
      await new Promise((resolve) => setTimeout(resolve, 150 + Math.floor(rand() * 1000)));
      const victim = pick(['api', 'shell', 'shell', 'api', 'both'] as const);
      if (victim !== 'shell') {
        await api!.proc.kill();
        kills++;
      }
      if (victim !== 'api') {
        await shell!.proc.kill();
        kills++;
        shellKills++;
      }
      stop = true;
      await Promise.all([chatLoad, apiLoad]);
    }
    if (!api?.proc.alive) base = await startApi();
    if (!shell?.proc.alive) {
      if (shell) printed.push(...shell.said);
      await startShell();
    }
    for (const r of unanswered.splice(0)) await request(r.method, r.path, r.body, r.record, r.key);
    await shell!.raw(JSON.stringify({ advance: 'PT1M' }));
    check('at the end');

    expect(kills).toBeGreaterThanOrEqual(20);
    console.info('kill -9:', { kills, shellKills, ...Object.fromEntries(Object.entries(ack).map(([k, v]) => [k, v.size])) });
    // The load did get through between the kills.
    expect(ack.reported.size + ack.wished.size + ack.bought.size).toBeGreaterThan(5);
    expect(ack.adjusted.size + ack.restocked.size).toBeGreaterThan(5);
  }, 600_000);
});
