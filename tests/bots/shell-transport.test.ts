import { describe, expect, it } from 'vitest';
import { ShellChat } from '../../bots/shell/shell.js';
import { SimulatedClock } from '../../src/clock.js';
import { outbox } from '../../src/db/schema/index.js';
import { demoServices, START } from '../helpers/services.js';

describe('shell transport', () => {
  it('counts a message as sent only once the output has taken it', async () => {
    const clock = new SimulatedClock(START);
    const { services } = demoServices({ clock });
    let accept!: () => void;
    const writing = new Promise<void>((resolve) => (accept = resolve));
    const shown: string[] = [];
    const chat = new ShellChat(services, (out) => writing.then(() => void shown.push(out.text)), clock);
    services.db.insert(outbox).values({ platform: 'shell', roomId: 'grid-1', text: '停水通知', nextAttemptAt: clock.now(), createdAt: clock.now() }).run();
    const delivering = chat.deliver();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(services.db.select().from(outbox).get()?.status).toBe('pending');
    accept();
    await delivering;
    expect(shown).toEqual(['停水通知']);
    expect(services.db.select().from(outbox).get()?.status).toBe('sent');
  });
});
