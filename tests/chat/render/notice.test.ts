import { describe, expect, it } from 'vitest';
import { commands } from '../../../src/chat/commands/index.js';
import type { CommandWords } from '../../../src/chat/parser.js';
import { renderNotice } from '../../../src/chat/render/index.js';
import { createRenderer } from '../../../src/chat/render/notice.js';
import type { CommandName } from '../../../src/domain/notice.js';
import { phrase, say } from '../../../src/domain/notice.js';
import { takeButton } from '../../../src/domain/tickets/notices.js';

const NAMED: CommandName[] = ['take', 'resolve', 'rate', 'reopen', 'claim', 'confirm'];

describe('renderNotice', () => {
  it.each(NAMED)('finds %s, which a notice may name, in the command table', (name) => {
    expect(commands.some((c) => c.name === name)).toBe(true);
  });

  it("words a notice in each reader's language, spans, hours, moments and other messages included", () => {
    const notice = say('ticket.notice.warnTake', { ref: 'T1', text: '路灯坏了', left: { duration: 90 * 60_000 } });
    expect(renderNotice(notice, 'zh').text).toBe('⏰ 工单 T1「路灯坏了」还没人接单，1小时30分钟后超时。');
    expect(renderNotice(notice, 'en').text).toBe('⏰ Ticket T1 "路灯坏了" is still untaken; due in 1 h 30 min.');
    const at = new Date('2026-03-02T01:30:00Z');
    const moment = say('verify.notify.holder', { name: '理发券', merchant: '张记', at: { at, zone: 'Asia/Shanghai', reference: at } });
    expect(renderNotice(moment, 'zh').text).toContain('3月2日 09:30');
    expect(renderNotice(say('ticket.notice.cancelled', { ref: 'T1', text: 'x', note: '', who: phrase('ticket.actor.system') }), 'en').text).toContain('system');
  });

  it('takes the words of a button and a hint from the command it names, so a renamed command renames them', () => {
    const notice = {
      kind: 'say' as const,
      lines: [phrase('ticket.card.howToTake', { ref: 'T7', cmd: { command: 'take' as const } })],
      buttons: [[takeButton('T7')]],
    };
    expect(renderNotice(notice, 'zh')).toEqual({ text: '👉 回复「接单 T7」接单', buttons: [[{ label: '接单', command: '/take T7' }]] });
    expect(renderNotice(notice, 'en').text).toBe('👉 Reply "/take T7" to take it');
    const renamed: CommandWords[] = commands.map((c) => (c.name === 'take' ? { ...c, words: ['抢单'] } : c));
    expect(createRenderer(renamed)(notice, 'zh').text).toBe('👉 回复「抢单 T7」接单');
  });
});
