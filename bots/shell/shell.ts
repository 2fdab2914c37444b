import { readFile } from 'node:fs/promises';
import type { SimulatedClock } from '../../src/clock.js';
import type { ChatAdapter } from '../../src/chat/adapter.js';
import { SHELL } from '../../src/chat/demo.js';
import type { Transport } from '../../src/chat/outbox.js';
import { SimulatedScheduler } from '../../src/jobs/scheduler.js';
import type { OutMessage } from '../../src/chat/types.js';
import type { Services } from '../../src/services.js';

/** What residents call the bot in the shell chat: "@邻里 报事 ...". */
export const SHELL_BOT_NAMES = ['邻里', '邻里助手', 'linli'];

/** One line of the shell chat's input. */
export interface ShellInput {
  room: string;
  user: string;
  name?: string;
  text: string;
  /** The platform message id; repeat it to simulate a redelivery. */
  id?: string;
  /** Image files sent with the message (or alone, with empty text). */
  images?: string[];
}

/** One message the bot sent on the shell platform. */
export interface ShellOutput {
  room: string;
  text: string;
  /** Whether it answered the message just said (false: an outbox delivery to this or another room). */
  reply: boolean;
  buttons?: OutMessage['buttons'];
  /** Photos sent after the text: paths under the data directory. */
  images?: string[];
}

const shown = (message: OutMessage) => ({
  text: message.text,
  ...(message.buttons ? { buttons: message.buttons } : {}),
  ...(message.images?.length ? { images: message.images } : {}),
});

/**
 * The embedded adapter: a message said in a shell room goes through the same chat core as WeChat and
 * Telegram, and everything the bot sends on the shell platform comes back through `emit`, in order.
 */
export class ShellChat implements ChatAdapter {
  readonly platform = SHELL;
  readonly transport: Transport;
  /** Present when the chat runs on a simulated clock. */
  readonly scheduler: SimulatedScheduler | undefined;
  #counter = 0;

  constructor(
    readonly services: Services,
    /** Shows one message; a promise, when given, settles once the output has really taken it. */
    private readonly emit: (out: ShellOutput) => unknown,
    clock?: SimulatedClock,
  ) {
    this.scheduler = clock ? new SimulatedScheduler(services.jobs, clock, () => this.deliver()) : undefined;
    this.transport = {
      platform: SHELL,
      // Resolves only once the output took the message: the outbox marks a row sent when this resolves.
      send: async (room, message) => {
        await this.emit({ room, ...shown(message), reply: false });
      },
    };
    services.dispatcher.register(this.transport);
  }

  /** Says something as `user` in `room`, then delivers whatever it put in the outbox. */
  async say(input: ShellInput): Promise<void> {
    const isPrivate = input.room.startsWith('dm:');
    const known = this.services.core.findRoom(SHELL, input.room);
    const incoming = {
      platform: SHELL,
      roomId: input.room,
      roomName: known?.name ?? input.room,
      isPrivate,
      senderId: input.user,
      senderName: input.name ?? input.user,
      messageId: input.id ?? `shell-${process.pid}-${Date.now()}-${++this.#counter}`,
      text: input.text,
      botNames: SHELL_BOT_NAMES,
      attachments: (input.images ?? []).map((path) => ({ kind: 'image' as const, load: () => readFile(path) })),
    };
    const result = await this.services.core.handle(incoming);
    for (const reply of result.replies) {
      await this.emit({ room: input.room, ...shown(reply), reply: true });
    }
    this.services.core.replied(incoming, result);
    await this.deliver();
  }

  /**
   * Moves the simulated clock forward, running every scheduled job that falls due on the way, in order,
   * and delivering what each sends before the next runs.
   */
  async advance(ms: number): Promise<void> {
    if (!this.scheduler) throw new Error('the clock is real: start the shell chat with --clock to move it');
    await this.scheduler.advance(ms);
    await this.deliver();
  }

  /** The shell is there as soon as it is made: it registers its transport then. */
  async start(): Promise<void> {
    this.services.dispatcher.register(this.transport);
  }

  async stop(): Promise<void> {
    this.services.dispatcher.unregister(SHELL);
  }

  /** Nothing runs behind a `say`: it returns when the message and its deliveries are done. */
  async idle(): Promise<void> {}

  /** Delivers everything due in the outbox. */
  async deliver(): Promise<void> {
    await this.services.dispatcher.drain();
  }
}
