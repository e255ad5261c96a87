import { register } from 'tsx/esm/api';

register();
const { releaseTestPostgres } = await import('./test-postgres.ts');

export default async function globalTeardown() {
  const server = globalThis.__opsdeckTestPostgres;
  if (server) await releaseTestPostgres(server);
}
