// jest loads globalSetup outside its TypeScript transform; tsx loads the TypeScript module for it.
import { tsImport } from 'tsx/esm/api';

export default async function globalSetup() {
  const lifecycle = await tsImport('./lifecycle.ts', import.meta.url);
  await lifecycle.setup();
}
