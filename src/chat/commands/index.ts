import type { AttachmentConsumer, CommandDef } from '../command.js';
import { createHelpCommand, foundationCommands } from './foundation.js';
import { patrolCommands, patrolPhotoConsumer } from './patrols.js';
import { rewardCommands } from './rewards.js';
import { ticketCommands, ticketPhotoConsumer } from './tickets.js';
import { timebankCommands } from './timebank.js';

/** The command table, in the order help lists it. Each area adds its own file here. */
export const commands: CommandDef[] = [];
commands.push(
  createHelpCommand(() => commands),
  ...foundationCommands,
  ...ticketCommands,
  ...timebankCommands,
  ...rewardCommands,
  ...patrolCommands,
);

/** Who takes images sent on their own, in order of preference. */
// biome-ignore lint/suspicious/noExplicitAny: consumers of different targets share one list; each pairs its own find with its own attach
export const attachmentConsumers: AttachmentConsumer<any>[] = [ticketPhotoConsumer, patrolPhotoConsumer];
