import type { Translate } from '../../i18n/index.js';
import type { OutMessage } from '../../chat/types.js';
import type { Db } from '../../db/client.js';
import { getMember } from '../org/members.js';
import { getUnit } from '../org/units.js';
import { activeClaims, type Task, taskRef } from './tasks.js';

/**
 * A wish or task as posted in a group: what it is, who it serves, the slots left and a 认领 button.
 * Announcements and the reply to a button press both show it, so the pressed message can be updated.
 */
export function taskCard(db: Db, task: Task, t: Translate): OutMessage {
  const ref = taskRef(task.id);
  const unit = getUnit(db, task.unitId);
  const claims = activeClaims(db, task.id);
  const left = task.slots - claims.length;
  const lines = [
    t(task.kind === 'wish' ? 'task.card.wish' : 'task.card.task', { ref, unit: unit.name }),
    task.requesterId === null ? task.title : t('task.card.body', { who: getMember(db, task.requesterId).name, title: task.title }),
    task.status === 'done'
      ? t('task.card.done')
      : left > 0
        ? t('task.card.open', { left, slots: task.slots })
        : t('task.card.full', { slots: task.slots }),
  ];
  if (claims.length) lines.push(t('task.card.claimers', { names: claims.map((c) => c.name) }));
  const claimable = task.status === 'open' && left > 0;
  if (claimable) lines.push(t('task.card.howTo', { ref }));
  return {
    text: lines.join('\n'),
    ...(claimable ? { buttons: [[{ label: t('task.button.claim'), command: `/claim ${ref}` }]] } : {}),
  };
}
