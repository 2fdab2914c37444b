import { describe, expect, it } from 'vitest';
import { ChatCore } from '../../src/chat/core.js';
import { captureLogs } from '../helpers/logs.js';
import { demoChat } from '../helpers/services.js';

describe('chat core error log', () => {
  it("names the platform message that failed, with the error's message and stack", async () => {
    const demo = demoChat();
    const { log, records } = captureLogs();
    const core = new ChatCore(
      { ...demo.services.deps, log },
      {
        commands: [
          {
            name: 'boom',
            words: ['爆炸'],
            aliases: [],
            args: 'none',
            where: 'any',
            run: () => {
              throw new Error('kaput');
            },
          },
        ],
      },
    );
    await core.handle({
      platform: 'telegram',
      roomId: 'grid-1',
      roomName: 'g',
      isPrivate: false,
      senderId: 'jin',
      senderName: '金阿姨',
      messageId: 'tg-4711',
      text: '爆炸',
    });
    const failed = records.filter((r) => r.msg === 'message handling failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      level: 'error',
      platform: 'telegram',
      room: 'grid-1',
      messageId: 'tg-4711',
      text: '爆炸',
      error: { type: 'Error', message: 'kaput', stack: expect.stringContaining('core-error-log.test.ts') },
    });
  });
});
