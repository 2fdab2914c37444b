/**
 * CPU per message on the hot chat paths (报事, 积分, 我的, 兑换) and per request on the two busiest API reads,
 * through services.core.handle and the Hono app over the demo neighbourhood (in-memory database, so what is
 * measured is CPU, not fsync). Prints the user+system CPU of the process per call, measured in this run.
 *
 *   node --import tsx tests/bench/hot-paths.ts                  # all of them
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx tests/bench/hot-paths.ts 积分 '报事 (1,500 open)'   # some, by name
 *
 * 报事 runs twice: into grid 1 as the demo has it, and into grid 1 holding 1,500 open 市政照明 tickets of the
 * last two days (the case where findSimilarOpen used to score every one of them).
 */
import { memberActor } from '../../src/domain/context.js';
import { adjust } from '../../src/domain/ledger/adjust.js';
import { createReward } from '../../src/domain/rewards/rewards.js';
import { inferCategory } from '../../src/domain/tickets/categories.js';
import { tickets } from '../../src/db/schema/index.js';
import { DAY, HOUR } from '../../src/clock.js';
import { createToken } from '../../src/domain/tokens.js';
import { createHttpApp } from '../../src/http/app.js';
import { type DemoChat, demoChat, demoServices, START } from '../helpers/services.js';
import { SimulatedClock } from '../../src/clock.js';

const ROUNDS = Number(process.env.ROUNDS ?? 600);
const WARMUP = Math.min(200, ROUNDS);
const only = process.argv.slice(2);

type Scenario = { name: string; setup?: (demo: DemoChat) => void; step: (demo: DemoChat, i: number) => Promise<unknown> };

const say = (demo: DemoChat, room: string, isPrivate: boolean, text: string, id: string) =>
  demo.services.core.handle({ platform: 'shell', roomId: room, roomName: room, isPrivate, senderId: 'jin', senderName: '金阿姨', messageId: id, text });

/** Texts of open lamp tickets that are not the measured reports' matter: other buildings, other places. */
const BACKGROUND = ['号楼路灯坏了', '号楼楼道灯不亮', '小区东门路灯晚上不亮', '停车场的灯一闪一闪', '篮球场灯坏了好几天', '花园里的路灯不亮了'];

function fillGrid(demo: Pick<DemoChat, 'services' | 'ids' | 'clock'>, n: number) {
  const db = demo.services.db;
  const lamp = inferCategory(db, '路灯坏了');
  const grid = demo.ids.units.grid1.id;
  const now = demo.clock.now().getTime();
  for (let i = 0; i < n; i++) {
    const words = BACKGROUND[i % BACKGROUND.length]!;
    const text = words.startsWith('号') ? `${(i % 40) + 1}${words}` : words;
    // In the future of the simulated clock, which the measured reports move on by two days each (so that
    // their own tickets drop out of the window): these stay "from the last 48 hours" throughout.
    const at = new Date(now + 3650 * DAY + i * 60_000);
    db.insert(tickets)
      .values({
        originUnitId: grid,
        responsibleUnitId: grid,
        categoryId: lamp.id,
        status: 'open',
        text,
        reporterId: demo.ids.members.wang.id,
        slaStartedAt: at,
        dueAt: new Date(at.getTime() + HOUR),
        createdAt: at,
        updatedAt: at,
      })
      .run();
  }
}

let rewardRef = 'G1';
/** A report into grid 1; the clock then moves on two days, so the next one finds only the background open. */
async function report(demo: DemoChat, i: number) {
  await say(demo, 'grid-1', false, `报事 ${i % 2 ? '88号楼路灯坏了' : '西门口的路灯晚上不亮'}`, `r${i}`);
  demo.clock.advance(2 * DAY + HOUR);
}
const scenarios: Scenario[] = [
  { name: '报事', step: report },
  { name: '报事 (1,500 open)', setup: (demo) => fillGrid(demo, 1500), step: report },
  { name: '积分', step: (demo, i) => say(demo, 'dm:jin', true, '积分', `p${i}`) },
  { name: '我的', step: (demo, i) => say(demo, 'grid-1', false, '我的', `m${i}`) },
  { name: '兑换', step: (demo, i) => say(demo, 'dm:jin', true, `兑换 ${rewardRef}`, `x${i}`) },
];

/** jin has points, a history of them, and a reward to buy many times. */
function prepare(demo: DemoChat) {
  const staff = { ...demo.services.deps, actor: memberActor(demo.ids.members.li.id) };
  for (let i = 0; i < 8; i++) {
    adjust(staff, {
      memberId: demo.ids.members.jin.id,
      unitId: demo.ids.units.grid1.id,
      points: 10_000,
      reason: `花园认领 ${i}`,
      idempotencyKey: `bench-${i}`,
    });
  }
  const reward = createReward(demo.system, {
    unitId: demo.ids.units.community.id,
    name: '环保袋',
    description: '积分超市常备',
    pointsCost: 1,
    stock: 100_000,
    validDays: 90,
    merchantId: demo.ids.members.barber.id,
  });
  rewardRef = `G${reward.id}`;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function measure(name: string, run: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < WARMUP; i++) await run(-1 - i);
  const start = cpuMs();
  for (let i = 0; i < ROUNDS; i++) await run(i);
  const each = (cpuMs() - start) / ROUNDS;
  console.log(`${name.padEnd(22)} ${each.toFixed(3)} ms CPU each (${ROUNDS} rounds)`);
}

for (const scenario of scenarios) {
  if (only.length && !only.includes(scenario.name)) continue;
  const demo = demoChat();
  prepare(demo);
  scenario.setup?.(demo);
  await measure(scenario.name, (i) => scenario.step(demo, i));
}

for (const [name, path] of [
  ['GET /rewards', '/api/v1/rewards'],
  ['GET /tickets', '/api/v1/tickets?limit=50'],
] as const) {
  if (only.length && !only.includes(name)) continue;
  const { services, ids } = demoServices({ clock: new SimulatedClock(START), env: { LINLI_RATE_LIMIT: '1000000000' } });
  fillGrid({ services, ids, clock: services.clock as SimulatedClock }, 200);
  const app = createHttpApp(services);
  const system = { ...services.deps, actor: { kind: 'system', job: 'bench' } } as const;
  const secret = createToken(system, { role: 'admin', unitId: ids.units.street.id, label: 'bench' }).secret;
  const headers = { authorization: `Bearer ${secret}` };
  await measure(name, async () => {
    const response = await app.request(path, { headers });
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
  });
}
