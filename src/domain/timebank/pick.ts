import { DomainError } from '../../errors.js';
import { type Completion, taskRef } from './tasks.js';

/** The one report a dispute or ruling is about: the named volunteer's, or the only candidate. */
export function pickCompletion<C extends Completion & { name: string }>(
  candidates: C[],
  taskId: number,
  volunteerId: number | undefined,
  none: 'dispute.nothing' | 'rule.nothing',
): C {
  const ref = taskRef(taskId);
  const matching = volunteerId === undefined ? candidates : candidates.filter((c) => c.volunteerId === volunteerId);
  if (!matching.length) throw new DomainError('NOT_FOUND', none, { ref });
  if (matching.length > 1) {
    throw new DomainError('CONFLICT', 'task.whichVolunteer', { ref, names: matching.map((c) => c.name) });
  }
  return matching[0]!;
}
