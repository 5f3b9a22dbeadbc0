export default async function globalTeardown() {
  await globalThis.__TOCSIN_EMBEDDED__?.stop();
}
