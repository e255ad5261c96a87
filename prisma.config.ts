// Prisma CLI configuration. The js engine with the pg driver adapter keeps every CLI command we use
// (generate, migrate diff) offline: the classic engine would try to download native binaries.
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

// With a config file Prisma does not read .env; commands that never connect (generate, diff between
// datamodels) still need a syntactically valid URL, so a local placeholder is used when unset.
process.env.DATABASE_URL ??= 'postgresql://localhost:5432/opsdeck';
const url = process.env.DATABASE_URL;

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema'),
  migrations: { path: path.join('prisma', 'migrations') },
  async adapter() {
    return new PrismaPg({ connectionString: url, allowExitOnIdle: true } as never);
  },
});
