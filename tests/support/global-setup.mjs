// Jest loads global setup outside its module system, so TypeScript is loaded here through tsx.
import { register } from 'tsx/esm/api';

register();
const { prepareTemplate, startTestPostgres } = await import('./test-postgres.ts');

export default async function globalSetup() {
  const server = await startTestPostgres();
  globalThis.__opsdeckTestPostgres = server;
  // Workers start after global setup and inherit this environment.
  process.env.OPSDECK_TEST_ADMIN_URL = server.adminUrl;
  await prepareTemplate(server.adminUrl);
}
