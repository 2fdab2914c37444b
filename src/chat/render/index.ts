import { commands } from '../commands/index.js';
import { createRenderer } from './notice.js';

/** The renderer the services hand the domain: notices worded with the bot's command table. */
export const renderNotice = createRenderer(commands);
