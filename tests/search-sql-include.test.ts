// The omnibox's plain statements load a source's `include` (src/search/search-sql-include.ts) as
// Prisma would: for every searchable type with related entities, on the demo data, the related
// rows found and how each is presented are the same through both.
import { createTestDatabase } from './support/database.js';
import { seedDemo } from '../plugins/marketplace/seed/demo.js';
import { createLogger } from '../src/platform/logger.js';
import { plugins } from '../plugins/index.js';
import { buildRbacModel } from '../src/rbac/rbac-model.js';
import { buildSearchRegistry } from '../src/search/search-registry.js';
import { createSqlLookups } from '../src/search/search-sql.js';
import { createSearchRows } from '../src/search/search-rows.js';
import { loadClientModule } from '../src/admin/create-admin.js';
import type { Include, IncludeModel } from '../src/search/search-sql-include.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemo({ pool: db.pool, prisma: db.prisma, log: createLogger({ level: 'silent' }), seed: 5 });
});
afterAll(async () => {
  await db.drop();
});

it('loads every source\'s related entities in one statement exactly as Prisma does', async () => {
  const registry = buildSearchRegistry({ plugins, resources: buildRbacModel({ plugins }).resources, adminRootPath: '/admin' });
  const sql = createSqlLookups({ pool: db.pool, models: loadClientModule().Prisma.dmmf.datamodel.models as IncludeModel[] });
  const prismaRows = createSearchRows({ prisma: db.prisma });
  const withInclude = registry.sources.filter((s) => s.include && s.related);
  expect(withInclude.map((s) => s.type)).toEqual(expect.arrayContaining(['order', 'checkout', 'shipment', 'payment', 'refund', 'customer_user', 'listing', 'support_case', 'dispute']));
  let compared = 0;
  for (const source of withInclude) {
    const delegate = (db.prisma as unknown as Record<string, { findMany: (a: object) => Promise<Record<string, unknown>[]> }>)[source.model[0]!.toLowerCase() + source.model.slice(1)]!;
    // The rows with the most related rows are the interesting ones: take a few from both ends.
    const ids = [
      ...(await delegate.findMany({ select: { [source.idField]: true }, orderBy: { [source.idField]: 'asc' }, take: 3 })),
      ...(await delegate.findMany({ select: { [source.idField]: true }, orderBy: { [source.idField]: 'desc' }, take: 3 })),
    ].map((r) => r[source.idField] as string | number);
    for (const id of ids) {
      const viaPrisma = await prismaRows.byId(source, id, []);
      const viaSql = await sql.byId({ model: source.model, idField: source.idField, id, include: source.include as Include });
      const shown = (row: Record<string, unknown>) => source.related!(row).map((r) => {
        const target = registry.byType.get(r.type)!;
        return { relation: r.relation, type: r.type, id: String(r.row[target.idField]), ...target.present(r.row) };
      });
      expect(viaSql && shown(viaSql)).toEqual(viaPrisma && shown(viaPrisma));
      expect(viaSql && source.present(viaSql)).toEqual(viaPrisma && source.present(viaPrisma));
      compared += shown(viaPrisma!).length;
    }
  }
  expect(compared).toBeGreaterThan(50);
  // Nothing for a key that names no row.
  expect(await sql.byId({ model: 'Order', idField: 'id', id: 2_000_000_000, include: registry.byType.get('order')!.include as Include })).toBeNull();
});
