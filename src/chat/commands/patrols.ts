import { addPatrolPhotos, logPatrol, type Patrol, patrolsBetween, patrolUnitFor, recentPatrol } from '../../domain/patrols/patrols.js';
import { startOfWeek } from '../../domain/patrols/windows.js';
import { unitsWithRole } from '../../domain/org/members.js';
import { getUnit, subtreeIds } from '../../domain/org/units.js';
import { formatDateTime } from '../../time.js';
import { type AttachmentConsumer, type CommandCtx, type CommandDef, defineCommand } from '../command.js';

const when = (ctx: CommandCtx, at: Date) => formatDateTime(at, ctx.settings.timeZone, ctx.lang, ctx.clock.now());

const isStaffAnywhere = (ctx: CommandCtx) => unitsWithRole(ctx.db, ctx.member.id, ['staff']).length > 0;

const patrol = defineCommand({
  name: 'patrol',
  words: ['巡查', '巡逻'],
  args: 'optional',
  offered: isStaffAnywhere,
  run(ctx, { args }) {
    // "巡查一下" from a resident is talk about patrols; only when said to the bot does it earn a refusal.
    if (!ctx.addressed && !isStaffAnywhere(ctx)) return;
    const { patrol: logged, weekCount } = logPatrol(ctx, {
      memberId: ctx.member.id,
      roomUnitId: ctx.room.unitId,
      roomId: ctx.room.id,
      note: args,
      files: ctx.files,
    });
    return ctx.t('patrol.logged', {
      unit: getUnit(ctx.db, logged.unitId).name,
      kind: ctx.t(logged.night ? 'patrol.kind.night' : 'patrol.kind.day'),
      time: when(ctx, logged.at),
      count: weekCount,
    });
  },
});

const patrolLog = defineCommand({
  name: 'patrols',
  words: ['巡查记录'],
  readOnly: true,
  aliases: ['patrol_log'],
  args: 'none',
  offered: isStaffAnywhere,
  run(ctx) {
    const unitId = patrolUnitFor(ctx.db, ctx.member.id, ctx.room.unitId);
    // From a community room this lists every grid below it; from a grid room, that grid.
    const scope = ctx.room.unitId !== null && subtreeIds(ctx.db, ctx.room.unitId).includes(unitId) ? ctx.room.unitId : unitId;
    const from = startOfWeek(ctx.clock.now(), ctx.settings.timeZone);
    // Up to and including a patrol logged this very millisecond.
    const lines = patrolsBetween(ctx.db, subtreeIds(ctx.db, scope), from, new Date(ctx.clock.now().getTime() + 1));
    if (!lines.length) return ctx.t('patrol.week.none');
    return [
      ctx.t('patrol.week.header', { from: when(ctx, from) }),
      ...lines.map((l) =>
        ctx.t('patrol.week.line', {
          time: when(ctx, l.at),
          unit: l.unitName,
          member: l.memberName,
          night: l.night ? ctx.t('patrol.week.night') : '',
          note: l.note ? ` ${l.note}` : '',
          photos: l.photos ? ctx.t('patrol.week.photos', { count: l.photos }) : '',
        }),
      ),
      ctx.t('patrol.week.total', { count: lines.length, nights: lines.filter((l) => l.night).length }),
    ].join('\n');
  },
});

/** A photo sent on its own just after 巡查 belongs to that patrol. */
export const patrolPhotoConsumer: AttachmentConsumer<Patrol> = {
  name: 'patrol',
  find: (ctx) => recentPatrol(ctx, ctx.member.id, ctx.room.id),
  attach(ctx, target, files) {
    const count = addPatrolPhotos(ctx, target.id, files);
    return count ? ctx.t('patrol.photosAdded', { count, time: when(ctx, target.at) }) : undefined;
  },
};

export const patrolCommands: CommandDef[] = [patrol, patrolLog];
