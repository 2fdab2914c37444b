import { bench, describe } from 'vitest';
import { commands } from '../../src/chat/commands/index.js';
import { CommandParser } from '../../src/chat/parser.js';
import { CronSchedule } from '../../src/jobs/cron.js';
import { demoChat } from '../helpers/services.js';

const parser = new CommandParser(commands);
const samples = ['帮助', '/me@linli_bot', '@邻里 巡查 3号楼', '今天菜场的鱼很新鲜，大家去看看', '＃绑定　ab12cd34'];

describe('parser', () => {
  bench('parse a mix of commands and chatter', () => {
    for (const text of samples) parser.parse(text, { botNames: ['邻里', 'linli_bot'] });
  });
});

describe('chat core', () => {
  const demo = demoChat();
  let n = 0;
  bench('handle a command (dedupe, member, transaction, reply)', async () => {
    await demo.services.core.handle({
      platform: 'shell',
      roomId: 'grid-1',
      roomName: 'g',
      isPrivate: false,
      senderId: 'jin',
      senderName: '金阿姨',
      messageId: `bench-${n++}`,
      text: '我的',
    });
  });
  bench('ignore chatter', async () => {
    await demo.services.core.handle({
      platform: 'shell',
      roomId: 'grid-1',
      roomName: 'g',
      isPrivate: false,
      senderId: 'jin',
      senderName: '金阿姨',
      messageId: `chat-${n++}`,
      text: '今天天气不错',
    });
  });
});

describe('cron', () => {
  const everyMinute = new CronSchedule('* * * * *', 'Asia/Shanghai');
  const yearly = new CronSchedule('0 9 5 1 *', 'Asia/Shanghai');
  bench('a simulated day of minutes', () => {
    let t = new Date('2026-03-02T00:00:00Z');
    for (let i = 0; i < 1440; i++) t = everyMinute.next(t);
  });
  bench('next yearly firing', () => {
    yearly.next(new Date('2026-03-02T00:00:00Z'));
  });
});
