export default async function globalTeardown() {
  await globalThis.__opsdeckTestPostgres?.stop();
}
