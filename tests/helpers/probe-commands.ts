import { type AttachmentConsumer, type CommandDef, isStaffHere } from '../../src/chat/command.js';
import { DomainError } from '../../src/errors.js';

/** A command that fails with a plain bug: what the core and the adapters do with an internal error. */
export const boomCommand: CommandDef = {
  name: 'boom',
  words: ['爆炸'],
  aliases: [],
  args: 'none',
  where: 'any',
  run: () => {
    throw new Error('kaput');
  },
};

/**
 * Commands that exist only in tests, to exercise what an adapter does with buttons, cards, photos,
 * mentions, long texts and failures before the areas that use them for real (tickets, the shop) exist.
 */
export function probeCommands() {
  const snaps = new Map<number, string>();
  const commands: CommandDef[] = [
    {
      // A question with buttons; answering it turns the message into the result, with no buttons left.
      name: 'poll',
      words: ['投票'],
      aliases: [],
      args: 'optional',
      where: 'any',
      run(_ctx, { args }) {
        if (!args) {
          return {
            text: '投票：A 还是 B？',
            buttons: [
              [
                { label: 'A', command: '/poll A' },
                { label: 'B', command: '投票 B' },
              ],
            ],
          };
        }
        return { replies: [{ text: `你投了 ${args}` }], card: { text: `投票结束：${args}` } };
      },
    },
    {
      // Only staff of the group's unit may take; the card then offers the next step.
      name: 'take',
      words: ['接'],
      aliases: [],
      args: 'required',
      where: 'group',
      run(ctx, { args }) {
        if (!isStaffHere(ctx)) throw new DomainError('FORBIDDEN', 'auth.staffOnly');
        return {
          replies: [{ text: `已接：${args}` }],
          card: { text: `${args} · 处理人：${ctx.member.name}`, buttons: [[{ label: '完成', command: `/poll ${args}完成` }]] },
        };
      },
    },
    {
      // Reports the photos it came with, and takes the ones sent just after it.
      name: 'snap',
      words: ['拍照'],
      aliases: [],
      args: 'optional',
      where: 'any',
      run(ctx, { args }) {
        snaps.set(ctx.member.id, args || '照片');
        return `${args || '照片'}：${ctx.files.length} 张 ${ctx.files.map((f) => f.mimeType).join(',')}`.trim();
      },
    },
    {
      name: 'long',
      words: [],
      aliases: [],
      args: 'none',
      where: 'any',
      run: () => ({
        text: Array.from({ length: 400 }, (_, i) => `第 ${i + 1} 行：` + '邻里'.repeat(10)).join('\n'),
        buttons: [[{ label: '好', command: '/poll 好' }]],
      }),
    },
    {
      name: 'wide',
      words: [],
      aliases: [],
      args: 'none',
      where: 'any',
      run: () => ({
        text: '三个按钮',
        buttons: [
          [{ label: '短', command: '/poll 短' }],
          [{ label: '缩短', command: '投票 ' + 'a'.repeat(58) }],
          [{ label: '太长', command: '投票 ' + '很'.repeat(30) }],
        ],
      }),
    },
    {
      name: 'shout',
      words: [],
      aliases: [],
      args: 'none',
      where: 'any',
      run: (ctx) => ({ text: '叫你呢', mentionUserId: ctx.message.senderId }),
    },
    boomCommand,
  ];
  const consumers: AttachmentConsumer<string>[] = [
    {
      name: 'snap',
      find: (ctx) => snaps.get(ctx.member.id),
      attach: (_ctx, target, files) => `已添加 ${files.length} 张照片到「${target}」`,
    },
  ];
  return { commands, consumers };
}
