import { describe, expect, it } from 'vitest';
import type { TicketStatus } from '../../../src/db/schema/index.js';
import { systemActor } from '../../../src/domain/context.js';
import { assignTicket } from '../../../src/domain/tickets/assign.js';
import { cancelTicket } from '../../../src/domain/tickets/cancel.js';
import { recategorizeTicket } from '../../../src/domain/tickets/categorize.js';
import { escalateTicket } from '../../../src/domain/tickets/escalate.js';
import { changeTicket, type TicketAction, transition, TRANSITIONS } from '../../../src/domain/tickets/machine.js';
import { addNote } from '../../../src/domain/tickets/note.js';
import { plusOneTicket } from '../../../src/domain/tickets/plusone.js';
import { rateTicket } from '../../../src/domain/tickets/rate.js';
import { reopenTicket } from '../../../src/domain/tickets/reopen.js';
import { resolveTicket } from '../../../src/domain/tickets/resolve.js';
import { ACTIVE_STATUSES, isActive, phaseOf } from '../../../src/domain/tickets/states.js';
import { eventsOf, getTicket, type Ticket } from '../../../src/domain/tickets/store.js';
import { takeTicket } from '../../../src/domain/tickets/take.js';
import { DomainError } from '../../../src/errors.js';
import type { MessageKey } from '../../../src/i18n/index.js';
import { ticketsDemo } from '../../helpers/tickets.js';

type Demo = ReturnType<typeof ticketsDemo>;

/** A ticket reported by jin in grid 1 (li's), brought to each state; closed means rated. */
const BRING: Record<TicketStatus, (demo: Demo, t: Ticket) => void> = {
  open: () => {},
  taken: (d, t) => takeTicket(d.as('li'), t.id),
  resolved: (d, t) => resolveTicket(d.as('li'), t.id),
  closed: (d, t) => {
    resolveTicket(d.as('li'), t.id);
    rateTicket(d.as('jin'), t.id, { rating: 4 });
  },
  cancelled: (d, t) => cancelTicket(d.as('jin'), t.id),
};

/** Each action, by someone the table lets do it (li: the grid worker and taker; zhao: staff above; jin: the reporter; wang: a neighbour). */
const DO: Record<TicketAction, (demo: Demo, id: number) => unknown> = {
  take: (d, id) => takeTicket(d.as('li'), id),
  resolve: (d, id) => resolveTicket(d.as('li'), id),
  assign: (d, id) => assignTicket(d.as('zhao'), id, { memberId: d.ids.members.zhao.id }),
  cancel: (d, id) => cancelTicket(d.as('jin'), id, { reason: '自己修好了' }),
  escalate: (d, id) => escalateTicket(d.as('li'), id),
  note: (d, id) => addNote(d.as('li'), id, { note: '已联系电工' }),
  plusone: (d, id) => plusOneTicket(d.as('wang'), id),
  categorize: (d, id) => recategorizeTicket(d.as('li'), id, { category: '安全隐患' }),
  rate: (d, id) => rateTicket(d.as('jin'), id, { rating: 5 }),
  reopen: (d, id) => reopenTicket(d.as('jin'), id),
  close: (d, id) => transition({ ...d.services.deps, actor: systemActor('ticket-autoclose') }, getTicket(d.db, id), 'close'),
};

/** The state each action leads to from each state, or the refusal it gets there. */
const EXPECTED: Record<TicketAction, Record<TicketStatus, TicketStatus | MessageKey>> = {
  take: {
    open: 'taken',
    taken: 'ticket.alreadyYours',
    resolved: 'ticket.alreadyResolved',
    closed: 'ticket.alreadyClosed',
    cancelled: 'ticket.alreadyCancelled',
  },
  resolve: { open: 'resolved', taken: 'resolved', resolved: 'ticket.alreadyResolved', closed: 'ticket.alreadyClosed', cancelled: 'ticket.alreadyCancelled' },
  assign: { open: 'taken', taken: 'taken', resolved: 'ticket.alreadyResolved', closed: 'ticket.alreadyClosed', cancelled: 'ticket.alreadyCancelled' },
  cancel: { open: 'cancelled', taken: 'cancelled', resolved: 'ticket.alreadyResolved', closed: 'ticket.alreadyClosed', cancelled: 'ticket.alreadyCancelled' },
  escalate: { open: 'open', taken: 'taken', resolved: 'ticket.alreadyResolved', closed: 'ticket.alreadyClosed', cancelled: 'ticket.alreadyCancelled' },
  note: { open: 'open', taken: 'taken', resolved: 'resolved', closed: 'ticket.alreadyClosed', cancelled: 'ticket.alreadyCancelled' },
  plusone: { open: 'open', taken: 'taken', resolved: 'ticket.alreadyResolved', closed: 'ticket.alreadyClosed', cancelled: 'ticket.alreadyCancelled' },
  categorize: { open: 'open', taken: 'taken', resolved: 'resolved', closed: 'closed', cancelled: 'cancelled' },
  rate: { open: 'ticket.rateTooEarly', taken: 'ticket.rateTooEarly', resolved: 'closed', closed: 'ticket.alreadyRated', cancelled: 'ticket.alreadyCancelled' },
  reopen: { open: 'ticket.reopenActive', taken: 'ticket.reopenActive', resolved: 'open', closed: 'open', cancelled: 'ticket.alreadyCancelled' },
  close: { open: 'ticket.stillOpen', taken: 'ticket.stillOpen', resolved: 'closed', closed: 'ticket.alreadyClosed', cancelled: 'ticket.alreadyCancelled' },
};

const STATES = Object.keys(BRING) as TicketStatus[];
const isState = (outcome: string): outcome is TicketStatus => (STATES as string[]).includes(outcome);

describe('the transition table', () => {
  it.each(Object.keys(EXPECTED) as TicketAction[])('lists for %s the moves this test expects', (action) => {
    const moves = Object.fromEntries(Object.entries(EXPECTED[action]).filter(([, outcome]) => isState(outcome)));
    expect(TRANSITIONS[action].moves).toEqual(moves);
  });

  describe.each(STATES)('from %s', (from) => {
    it.each(Object.keys(EXPECTED) as TicketAction[])('%s moves to the listed state or is refused with the listed error', (action) => {
      const demo = ticketsDemo();
      const reported = demo.report('jin', '3号楼路灯坏了');
      BRING[from](demo, reported);
      expect(getTicket(demo.db, reported.id).status).toBe(from);
      const events = eventsOf(demo.db, reported.id).length;
      const outcome = EXPECTED[action][from];
      if (isState(outcome)) {
        const result = DO[action](demo, reported.id);
        // The job's close is asked of the table alone: the job itself is tested with its sweep.
        expect(action === 'close' ? result : getTicket(demo.db, reported.id).status).toBe(outcome);
        return;
      }
      let error: unknown;
      try {
        DO[action](demo, reported.id);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ key: outcome, params: expect.objectContaining({ ref: `T${reported.id}` }) });
      expect(getTicket(demo.db, reported.id).status).toBe(from);
      expect(eventsOf(demo.db, reported.id)).toHaveLength(events);
    });
  });
});

describe('the states', () => {
  it('are active while someone still has to act, in the phase of the window they run', () => {
    expect(ACTIVE_STATUSES).toEqual(['open', 'taken']);
    expect(STATES.filter(isActive)).toEqual(['open', 'taken']);
    expect(phaseOf('open')).toBe('take');
    expect(phaseOf('taken')).toBe('resolve');
  });

  it('change only along the table', () => {
    const demo = ticketsDemo();
    const t = demo.report('jin', '3号楼路灯坏了');
    expect(() => changeTicket(demo.as('li'), t, { status: 'closed' })).toThrow(/no transition from open to closed/);
    expect(getTicket(demo.db, t.id).status).toBe('open');
    expect(changeTicket(demo.as('li'), t, { status: 'taken', takerId: demo.ids.members.li.id }).status).toBe('taken');
  });
});
