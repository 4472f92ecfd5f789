import { fileURLToPath } from 'node:url';
import { bundleServer } from '../build';

/** Tests that start server processes run the production bundle, so it is built once per run. */
export default async function buildServerBundle(): Promise<void> {
  await bundleServer({ main: fileURLToPath(new URL('../src/main.ts', import.meta.url)) });
}
