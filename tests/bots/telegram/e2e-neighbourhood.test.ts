import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import type { Message, User } from 'grammy/types';
import { describe, it } from 'vitest';
import { WEBHOOK_PATH } from '../../../bots/telegram/webhook.js';
import { members, ticketPhotos, tickets, units } from '../../../src/db/schema/index.js';
import { balanceOf, memberAccount } from '../../../src/domain/ledger/accounts.js';
import { createLogger, silentLogger } from '../../../src/log.js';
import { type Running, startLinli } from '../../../src/main.js';
import { FakeBotApi } from '../../helpers/fake-bot-api.js';
import { freePort, TelegramDriver } from '../../helpers/telegram.js';
import { TEST_TOKEN } from '../../helpers/telegram-updates.js';
import { jpeg } from '../../helpers/images.js';

const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';
const SECRET = 'e2e-webhook-secret';
const PHOTO = jpeg(1);
const ANOTHER_PHOTO = jpeg(2);

const hasButton = (m: Message, label: string) => m.reply_markup?.inline_keyboard.flat().some((b) => b.text.startsWith(label)) ?? false;

/**
 * The whole product path as `npm start` runs it (config → adapter → chat core → outbox → transport), with
 * the real grammY client talking HTTP to a fake Bot API server, in both of Telegram's modes: a week in
 * grid 1, from binding its groups to a rated ticket and a verified voucher. Replies and notices are paced
 * as Telegram requires, so this takes some seconds of real time; the two modes run side by side.
 */
describe.concurrent('Telegram end to end: a neighbourhood served', () => {
  it.for(['polling', 'webhook'] as const)('in %s mode', { timeout: 120_000 }, async (mode, { expect, onTestFinished }) => {
    const fake = new FakeBotApi();
    await fake.start();
    onTestFinished(() => fake.stop());
    const driver = new TelegramDriver(fake);
    const u = driver.updates;

    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'linli-telegram-'));
    const db = join(dir, 'linli.db');
    const env = {
      LINLI_DATA_DIR: dir,
      TELEGRAM_BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_API_ROOT: fake.url,
      LINLI_OUTBOX_INTERVAL_MS: '50',
      ...(mode === 'webhook' ? { TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}${WEBHOOK_PATH}`, TELEGRAM_WEBHOOK_SECRET: SECRET } : {}),
    };
    // E2E_LOG=1 shows Linli's log, for when this fails.
    const start = async () => {
      const started = await startLinli({ db, port, seed: true, adminToken: ADMIN_TOKEN, env, log: process.env.E2E_LOG ? createLogger('debug') : silentLogger });
      onTestFinished(() => started.stop());
      await started.connected;
      return started;
    };
    let running: Running = await start();
    if (mode === 'webhook') expect(fake.webhook).toMatchObject({ secret: SECRET });
    else expect(fake.webhook).toBeUndefined();

    const memberId = (name: string) => running.services.db.select().from(members).where(eq(members.name, name)).get()!.id;
    const unitId = (name: string) => running.services.db.select().from(units).where(eq(units.name, name)).get()!.id;
    /** A binding code from the admin API. */
    const apiCode = async (body: object): Promise<string> => {
      const response = await fetch(`${running.url}/api/v1/binding-codes`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(201);
      return ((await response.json()) as { code: string }).code;
    };
    /** The next message to `chat` that `match` accepts, once the outbox has delivered it. */
    const arrives = (chat: { id: number }, what: string, match: (m: Message) => boolean) => fake.waitFor(() => fake.messagesIn(chat.id).find(match), what);

    const people = {
      li: u.user(9101, '小李'),
      jin: u.user(9102, '金阿姨'),
      wang: u.user(9103, '王阿姨'),
      yang: u.user(9104, '杨幼红', { language_code: 'zh-hans' }),
      barber: u.user(9105, '海林理发店'),
    };
    const dm = (user: User) => u.privateChat(user);
    const residents = u.supergroup(-1009101, '荷东第一网格居民群');
    const staff = u.supergroup(-1009102, '荷东第一网格工作群');

    // Everyone links their private chat with a code from the admin API, as the deep link t.me/<bot>?start=CODE does.
    // They already use the shell chat, and a code a token made does not hand over an account in use: each
    // link waits until the admin confirms it through the API, and the Telegram chat is told.
    const names = { li: '网格员小李', jin: '金阿姨', wang: '王阿姨', yang: '杨幼红', barber: '海林理发店' } as const;
    const admin = async (method: string, path: string, body?: object) => {
      const response = await fetch(`${running.url}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      expect(response.status).toBe(200);
      return response.json() as Promise<{ items: { id: number; status: string }[] }>;
    };
    for (const [who, name] of Object.entries(names) as [keyof typeof names, string][]) {
      const code = await apiCode({ memberId: memberId(name) });
      const [held] = await driver.say(people[who], dm(people[who]), `/start ${code}`);
      expect(held!.text).toContain('在此之前这个账号还没有关联');
      const { items } = await admin('GET', `/members/${memberId(name)}/link-requests`);
      expect(items[0]).toMatchObject({ status: 'pending' });
      await admin('POST', `/link-requests/${items[0]!.id}`, { decision: 'confirm' });
      await arrives(dm(people[who]), `${name}'s link confirmed`, (m) => m.text?.includes(`已关联到 ${name} 的账号`) === true);
    }
    // The staff group is bound with a code from the API, the residents' group with one 小李 makes in private.
    const [staffBound] = await driver.say(people.li, staff, `/bind ${await apiCode({ unitId: unitId('荷东第一网格'), purpose: 'staff' })}`);
    expect(staffBound!.text).toContain('本群已绑定到「荷东第一网格」（工作群）');
    const [made] = await driver.say(people.li, dm(people.li), '/bindcode 荷东第一网格');
    const residentsCode = /绑定码：([A-Z0-9]+)/.exec(made!.text!)![1]!;
    const [residentsBound] = await driver.say(people.li, residents, `/bind@linli_test_bot ${residentsCode}`);
    expect(residentsBound!.text).toContain('（居民群）');

    // 报事 with a photo as the caption; Telegram says "too many requests" once and the reply comes anyway.
    fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } }, (params) =>
      String(params.text).includes('工单号 T1'),
    );
    const [reported] = await driver.photo(people.jin, residents, PHOTO, '/report 3号楼楼道灯坏了');
    expect(reported!.text).toContain('工单号 T1');
    expect(reported!.text).toContain('已附上 1 张照片');
    expect(fake.callsOf('sendMessage').filter((c) => c.params.text === reported!.text)).toHaveLength(2);
    const [attached] = await driver.photo(people.jin, residents, ANOTHER_PHOTO);
    expect(attached!.text).toBe('📷 已把 1 张照片附到 T1。');

    // The staff group's card: a resident's 接单 is refused and changes nothing; 小李's takes it.
    const card = await arrives(staff, 'the ticket in the staff group', (m) => hasButton(m, '接单'));
    expect(card.text).toContain('3号楼楼道灯坏了');
    await arrives(staff, 'the staff told of the photo', (m) => m.text === '📷 工单 T1 补充了 1 张照片。');
    // and the photos themselves, uploaded from the data directory
    await arrives(staff, 'a photo in the staff group', (m) => m.photo !== undefined);
    const uploads = fake.callsOf('sendPhoto').filter((c) => String(c.params.chat_id) === String(staff.id));
    expect(uploads.length).toBeGreaterThan(0);
    expect(uploads.every((c) => (c.params[String(c.params.photo).replace('attach://', '')] as { size: number }).size > 0)).toBe(true);
    const refused = await driver.press(people.wang, card, '接单');
    expect(refused.answer).toContain('只有负责这片区域的网格员或工作人员才能接单 T1');
    expect(refused.message.text).toBe(card.text);
    const taken = await driver.press(people.li, card, '接单');
    expect(taken.answer).toContain('你已接单 T1');
    expect(taken.message.text).toContain('网格员小李');
    expect(hasButton(taken.message, '办结')).toBe(true);

    const [resolved] = await driver.say(people.li, staff, '/resolve T1 已换灯泡');
    expect(resolved!.text).toContain('T1 已办结');
    const request = await arrives(dm(people.jin), 'the rating request', (m) => hasButton(m, '5⭐'));
    const rated = await driver.press(people.jin, request, '5⭐', 1);
    expect(rated.answer).toContain('谢谢评价！T1 ⭐⭐⭐⭐⭐');
    expect(rated.replies.map((m) => m.text)).toEqual([rated.answer]);
    expect(rated.message.text).toBe('🙏 T1 已评价 ⭐⭐⭐⭐⭐，谢谢！');
    expect(rated.message.reply_markup).toBeUndefined();
    const ticket = running.services.db.select().from(tickets).get()!;
    expect(ticket).toMatchObject({ status: 'closed', rating: 5 });
    expect(running.services.db.select().from(ticketPhotos).where(eq(ticketPhotos.ticketId, ticket.id)).all()).toHaveLength(2);

    // A wish: 认领 by button, hours reported, 确认 by button in 王阿姨's private chat, points credited.
    const [wish] = await driver.say(people.wang, residents, '/wish 帮忙买菜');
    expect(wish!.text).toContain('王阿姨：帮忙买菜');
    const claimed = await driver.press(people.yang, wish!, '认领');
    expect(claimed.answer).toContain('杨幼红 认领了 W1');
    expect(claimed.message.text).toContain('已认领：杨幼红');
    const [done] = await driver.say(people.yang, residents, '/done W1 2小时');
    expect(done!.text).toContain('等待 王阿姨 确认');
    const report = await arrives(dm(people.wang), 'the hours to confirm', (m) => hasButton(m, '确认'));
    const confirmed = await driver.press(people.wang, report, '确认', 1);
    expect(confirmed.answer).toContain('杨幼红 2小时，+20 积分');
    expect(confirmed.message.reply_markup).toBeUndefined();
    await arrives(dm(people.yang), 'the points notice', (m) => m.text?.includes('W1') === true && m.text.includes('获得 20 积分'));
    expect(balanceOf(running.services.db, memberAccount(memberId('杨幼红')))).toBe(20);

    // The shop: 兑换 by button in the group; the code comes to 杨幼红's private chat and nowhere else.
    const [shop] = await driver.say(people.yang, residents, '/shop');
    const redeemed = await driver.press(people.yang, shop!, '兑换 理发券');
    expect(redeemed.answer).toContain('券码已私聊发给你');
    expect(redeemed.message.text).toContain('G1 理发券 · 20 积分 · 剩 9 张');
    const delivered = await arrives(dm(people.yang), 'the voucher code', (m) => /券码：[A-Z0-9]{12}/.test(m.text ?? ''));
    const code = /券码：([A-Z0-9]{12})/.exec(delivered.text!)![1]!;
    const carrying = fake.calls.filter((c) => JSON.stringify(c.params).includes(code));
    expect(carrying.map((c) => String(c.params.chat_id))).toEqual([String(people.yang.id)]);

    // The barber verifies it once; a second time is refused.
    const verify = u.message(people.barber, dm(people.barber), `/verify ${code}`);
    const before = fake.messagesIn(people.barber.id).length;
    fake.push(verify);
    const used = await fake.waitFor(() => fake.messagesIn(people.barber.id)[before], 'the verification');
    expect(used.text).toContain('核销成功：理发券（持券人 杨幼红）');
    const [again] = await driver.say(people.barber, dm(people.barber), `/verify ${code}`);
    expect(again!.text).toMatch(/已于 .+ 核销过，不能重复使用/);
    await arrives(dm(people.yang), 'the holder told', (m) => m.text?.includes('核销') === true);

    // Every message above kept to Telegram's pace: about one a second per chat, twenty a minute per group.
    expect(fake.pacingViolations()).toEqual([]);

    // After a restart, a press and a message Telegram sends again are handled once.
    await running.stop();
    running = await start();
    const answered = fake.answers.length;
    const sentBefore = fake.sent.length;
    const replayed = fake.push({ ...taken.update, update_id: u.nextUpdateId() });
    const queryId = replayed.callback_query!.id;
    // Telegram refuses a second answer to one press; the adapter tries, and does nothing else.
    await fake.waitFor(() => fake.callsOf('answerCallbackQuery').filter((c) => c.params.callback_query_id === queryId).length === 2, 'the replayed press');
    fake.push({ ...verify, update_id: u.nextUpdateId() });
    const [help] = await driver.say(people.barber, dm(people.barber), '/help');
    expect(help!.text).toContain('可用命令（私聊）');
    expect(fake.answers.slice(answered)).toEqual([]);
    expect(fake.sent.slice(sentBefore).map((m) => m.text)).toEqual([help!.text]);
    expect(fake.calls.filter((c) => c.method === 'editMessageText' && c.params.message_id === card.message_id)).toHaveLength(1);
  });
});
