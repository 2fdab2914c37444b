import { asc, eq, sql } from 'drizzle-orm';
import { MINUTE } from '../../clock.js';
import type { Db } from '../../db/client.js';
import { inTransaction } from '../../db/client.js';
import { preparedPerDb } from '../../db/prepared.js';
import { ticketCategories, UNIT_KINDS, type UnitKind } from '../../db/schema/index.js';
import { DomainError } from '../../errors.js';
import { audit } from '../audit.js';
import type { Ctx } from '../context.js';
import { unitsWithRole } from '../org/members.js';

export type Category = typeof ticketCategories.$inferSelect;

const categoryById = preparedPerDb((db) =>
  db
    .select()
    .from(ticketCategories)
    .where(eq(ticketCategories.id, sql.placeholder('id')))
    .prepare(),
);

const allCategories = preparedPerDb((db) => db.select().from(ticketCategories).orderBy(asc(ticketCategories.id)).prepare());

export function getCategory(db: Db, id: number): Category {
  const category = categoryById(db).get({ id });
  if (!category) throw new DomainError('NOT_FOUND', 'category.notFound', { id });
  return category;
}

export function listCategories(db: Db, options: { activeOnly?: boolean } = {}): Category[] {
  const all = allCategories(db).all();
  return options.activeOnly ? all.filter((c) => c.active) : all;
}

export function findCategoryByName(db: Db, name: string): Category | undefined {
  return db.select().from(ticketCategories).where(eq(ticketCategories.name, name.trim())).get();
}

/**
 * The category a report's text suggests: the active category with the most of its keywords in the text.
 * A tie goes to the urgent one (a fire beats a meter reading), then to the older one. No match: the
 * catch-all (an active category without keywords), else the first active one.
 */
export function inferCategory(db: Db, text: string): Category {
  const active = listCategories(db, { activeOnly: true });
  if (!active.length) throw new DomainError('CONFLICT', 'category.noneActive');
  let best: { category: Category; hits: number } | undefined;
  for (const category of active) {
    const hits = category.keywords.filter((k) => k && text.includes(k)).length;
    if (hits === 0) continue;
    if (!best || hits > best.hits || (hits === best.hits && category.urgent && !best.category.urgent)) {
      best = { category, hits };
    }
  }
  return best?.category ?? active.find((c) => c.keywords.length === 0) ?? active[0]!;
}

export const takeLimitMs = (c: Pick<Category, 'takeMinutes'>) => c.takeMinutes * MINUTE;
export const resolveLimitMs = (c: Pick<Category, 'resolveMinutes'>) => c.resolveMinutes * MINUTE;

export interface CategoryInput {
  name: string;
  keywords?: string[];
  takeMinutes?: number;
  resolveMinutes?: number;
  startLevel?: UnitKind | null;
  urgent?: boolean;
  active?: boolean;
}

const DEFAULTS = { keywords: [] as string[], takeMinutes: 30, resolveMinutes: 24 * 60, startLevel: null, urgent: false, active: true };

export function createCategory(ctx: Ctx, input: CategoryInput): Category {
  const values = validate({ ...DEFAULTS, ...input });
  return inTransaction(ctx.db, () => {
    mayEditCategories(ctx);
    if (findCategoryByName(ctx.db, values.name)) throw new DomainError('CONFLICT', 'category.nameTaken', { name: values.name });
    const category = ctx.db.insert(ticketCategories).values(values).returning().get();
    audit(ctx, 'category.create', { type: 'category', id: category.id }, { ...values });
    return category;
  });
}

export function updateCategory(ctx: Ctx, id: number, input: Partial<CategoryInput>): Category {
  return inTransaction(ctx.db, () => {
    const current = getCategory(ctx.db, id);
    const values = validate({ ...current, ...input });
    mayEditCategories(ctx);
    const clash = findCategoryByName(ctx.db, values.name);
    if (clash && clash.id !== id) throw new DomainError('CONFLICT', 'category.nameTaken', { name: values.name });
    const updated = ctx.db.update(ticketCategories).set(values).where(eq(ticketCategories.id, id)).returning().get();
    audit(ctx, 'category.update', { type: 'category', id }, { ...input });
    return updated;
  });
}

function validate(input: Required<CategoryInput>): Required<CategoryInput> {
  const name = input.name.trim();
  if (!name) throw new DomainError('INVALID_INPUT', 'category.nameRequired');
  for (const minutes of [input.takeMinutes, input.resolveMinutes]) {
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 60 * 24 * 90) {
      throw new DomainError('INVALID_INPUT', 'category.badMinutes');
    }
  }
  const keywords = [...new Set(input.keywords.map((k) => k.trim()))];
  if (keywords.some((k) => !k || k.length > 20)) throw new DomainError('INVALID_INPUT', 'category.badKeywords');
  if (input.startLevel !== null && !UNIT_KINDS.includes(input.startLevel)) {
    throw new DomainError('INVALID_INPUT', 'category.badLevel', { levels: UNIT_KINDS.join(', ') });
  }
  return { ...input, name, keywords };
}

/** Categories are shared by the whole installation: API tokens (checked by the API) and admins edit them. */
function mayEditCategories(ctx: Ctx) {
  if (ctx.actor.kind !== 'member') return;
  if (!unitsWithRole(ctx.db, ctx.actor.memberId, ['admin']).length) throw new DomainError('FORBIDDEN', 'auth.adminOnly');
}
