import { tsImport } from 'tsx/esm/api';

export default async function globalTeardown() {
  const lifecycle = await tsImport('./lifecycle.ts', import.meta.url);
  await lifecycle.teardown();
}
