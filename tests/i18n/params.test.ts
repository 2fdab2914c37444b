import { describe, expect, expectTypeOf, it } from 'vitest';
import { type MessageKey, type ParamsOf, type PlainKey, t, translator } from '../../src/i18n/index.js';
import { DomainError } from '../../src/errors.js';
import { renderNotice } from '../../src/chat/render/index.js';
import { phrase, say } from '../../src/domain/notice.js';

// These cases are checked by `tsc --noEmit` (tests are in tsconfig): each `@ts-expect-error` fails the
// type check if the line below it ever compiles. Running them only proves the right lines still render.
describe('message params are checked by the compiler', () => {
  it('takes exactly the params a string entry names', () => {
    expect(t('en', 'ticket.alreadyTaken', { ref: 'T1', name: '李' })).toBe('T1 has already been taken by 李.');
    // @ts-expect-error a misspelled param
    expect(t('en', 'ticket.notFound', { reff: 'T1' })).toContain('{ref}');
    // @ts-expect-error the params left out
    t('en', 'ticket.notFound');
    // @ts-expect-error one of two params left out
    t('en', 'ticket.alreadyTaken', { ref: 'T1' });
    // @ts-expect-error a param the text does not use
    t('en', 'ticket.alreadyTaken', { ref: 'T1', name: '李', extra: 1 });
    // @ts-expect-error a key without params takes none
    t('en', 'help.footer', { wrong: 1 });
    // @ts-expect-error no such key
    expect(() => t('en', 'ticket.nope')).toThrow();
  });

  it('reads a function entry from the type of its parameter', () => {
    expectTypeOf<keyof ParamsOf<'patrol.photosAdded'>>().toEqualTypeOf<'count' | 'time'>();
    expect(t('en', 'api.issue.maxLength', { n: 2 })).toBe('At most 2 characters');
    // @ts-expect-error a function entry's param left out
    t('en', 'api.issue.maxLength', {});
  });

  it('checks a translator and a DomainError the same way', () => {
    const tr = translator('zh');
    expect(tr('ticket.notFound', { ref: 'T1' })).toContain('T1');
    // @ts-expect-error a wrong param through a translator
    tr('ticket.notFound', { id: 1 });
    expect(new DomainError('NOT_FOUND', 'ticket.notFound', { ref: 'T1' }).params).toEqual({ ref: 'T1' });
    // @ts-expect-error a DomainError with a wrong param
    new DomainError('NOT_FOUND', 'ticket.notFound', { id: 1 });
    // @ts-expect-error a DomainError without its params
    new DomainError('NOT_FOUND', 'ticket.notFound');
  });

  it('checks a key computed at run time against every key it can spell', () => {
    const status = 'taken' as 'open' | 'taken';
    expect(t('en', `ticket.status.${status}`)).toBe('in hand');
    const kind = 'note' as 'note' | 'assign';
    // every possible key's params: ticket.event.note needs {note}, ticket.event.assign {name}
    expect(t('en', `ticket.event.${kind}`, { note: '', name: '李' })).toBe('noted');
    // @ts-expect-error ticket.event.assign needs a name too
    t('en', `ticket.event.${kind}`, { note: '' });
    const missing = 'open' as 'open' | 'lost';
    // @ts-expect-error there is no ticket.status.lost
    t('en', `ticket.status.${missing}`);
  });

  it('refuses a key typed as any MessageKey, and takes one typed as a PlainKey', () => {
    const plain: PlainKey = 'help.footer';
    expect(t('en', plain)).toMatch(/^Commands/);
    const any = 'ticket.notFound' as MessageKey;
    // @ts-expect-error any key at all could need any param
    t('en', any);
    // @ts-expect-error a key with params is no PlainKey
    const notPlain: PlainKey = 'ticket.notFound';
    void notPlain;
  });
});

describe("a notice's params are checked like t's", () => {
  it('takes the params its key names, each a value or a wording for the reader', () => {
    const said = say('ticket.notice.warnTake', { ref: 'T1', text: '路灯坏了', left: { duration: 60_000 } });
    expect(renderNotice(said, 'en').text).toContain('due in 1 min');
    // @ts-expect-error a param the text does not use
    say('ticket.notice.warnTake', { ref: 'T1', text: 'x', left: '1', taker: '' });
    // @ts-expect-error the params left out
    say('ticket.notice.warnTake');
    // @ts-expect-error a misspelled param in a phrase
    phrase('ticket.part.note', { txt: 'x' });
    expect(phrase('help.footer')).toEqual({ key: 'help.footer' });
  });
});
