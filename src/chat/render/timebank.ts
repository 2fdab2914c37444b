import type { TaskView } from '../../domain/timebank/cards.js';
import type { OutMessage } from '../types.js';
import type { Speech } from './speech.js';

/**
 * A wish or task as posted in a group: what it is, who it serves, the slots left and a 认领 button.
 * Announcements and the reply to a button press both show it, so the pressed message can be updated.
 */
export function taskCard(s: Speech, v: TaskView): OutMessage {
  const { t } = s;
  const { task, ref } = v;
  const left = task.slots - v.claimers.length;
  const lines = [
    t(task.kind === 'wish' ? 'task.card.wish' : 'task.card.task', { ref, unit: v.unit }),
    v.requester === undefined ? task.title : t('task.card.body', { who: v.requester, title: task.title }),
    task.status === 'done' ? t('task.card.done') : left > 0 ? t('task.card.open', { left, slots: task.slots }) : t('task.card.full', { slots: task.slots }),
  ];
  if (v.claimers.length) lines.push(t('task.card.claimers', { names: v.claimers }));
  const claimable = task.status === 'open' && left > 0;
  if (claimable) lines.push(t('task.card.howTo', { ref, cmd: s.commands.spoken('claim', s.lang) }));
  return {
    text: lines.join('\n'),
    ...(claimable ? { buttons: [[{ label: t('task.button.claim'), command: s.commands.typed('claim', ref) }]] } : {}),
  };
}
