import type { AttachmentConsumer, CommandDef } from '../command.js';
import { createHelpCommand, foundationCommands } from './foundation.js';
import { rewardCommands } from './rewards.js';
import { timebankCommands } from './timebank.js';

/** The command table, in the order help lists it. Each area adds its own file here. */
export const commands: CommandDef[] = [];
commands.push(createHelpCommand(() => commands), ...foundationCommands);
commands.push(...timebankCommands, ...rewardCommands);

/** Who takes images sent on their own, in order of preference. */
export const attachmentConsumers: AttachmentConsumer<any>[] = [];
