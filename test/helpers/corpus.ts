// The one place tests find the shared corpus: $DWELL_CORPUS, or ../shared/corpus beside the checkout.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// Compiled tests live in dist/test/helpers; the checkout root is three levels up.
const projectRoot = resolve(here, '..', '..', '..');

/** Absolute path of the checkout. */
export const PROJECT_ROOT = projectRoot;

function locate(): string | undefined {
  const fromEnv = process.env.DWELL_CORPUS;
  if (fromEnv) return existsSync(fromEnv) ? resolve(fromEnv) : undefined;
  const beside = resolve(projectRoot, '..', 'shared', 'corpus');
  return existsSync(beside) ? beside : undefined;
}

/** Absolute path of the corpus, or undefined when absent. */
export const CORPUS: string | undefined = locate();

/** Why corpus tests are skipped, or false when the corpus is there (pass as `{ skip: corpusSkip }`). */
export const corpusSkip: string | false = CORPUS
  ? false
  : `corpus not found: set DWELL_CORPUS or place the shared corpus at ${resolve(projectRoot, '..', 'shared', 'corpus')}`;

/** Path inside the corpus; only call from a test that is skipped when the corpus is absent. */
export function corpusPath(...parts: string[]): string {
  if (!CORPUS) throw new Error(String(corpusSkip));
  return join(CORPUS, ...parts);
}
