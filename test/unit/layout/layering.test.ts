// The layering rules of the code base, checked on the source text:
// protocol is pure (no I/O, no client), recipes see only the public client API, and the
// root recipes index lists what the families export.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderRecipesIndex } from '../../../scripts/gen-recipes-index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f));
}

function imports(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)[^'"]*from\s+'([^']+)'/gm)].map((m) => m[1] as string);
}

describe('layering', () => {
  it('src/protocol is pure: no node I/O modules, timers or client code', () => {
    const offenders = sourceFiles('src/protocol').flatMap((f) =>
      imports(f)
        .filter((i) => /^node:(net|tls|dgram|fs|child_process|timers)/.test(i) || i.includes('/client/'))
        .map((i) => `${f}: ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  it('recipes import the client only through its public index (src/index.ts)', () => {
    const offenders = sourceFiles('recipes').flatMap((f) =>
      imports(f)
        .filter((i) => /\/src\/(client|protocol|testing)\//.test(i))
        .map((i) => `${f}: ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  it('recipes/index.ts lists every family export (regenerate with scripts/gen-recipes-index.ts)', () => {
    expect(readFileSync(path.join(root, 'recipes/index.ts'), 'utf8')).toBe(renderRecipesIndex());
  }, 60_000);
});
