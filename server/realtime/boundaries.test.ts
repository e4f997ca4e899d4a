/**
 * The gateway's boundaries, read from the sources: it imports no domain (each domain fills its frame
 * handlers, app.ts wires them), and no module of the server imports itself back through others — type
 * imports included, since a circle of types is a circle of ideas.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

const root = path.join(import.meta.dirname, '..', '..');

/** Each module of server/ (tests aside) with the modules of the project it imports, as root-relative paths. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const files = fs
    .readdirSync(path.join(root, 'server'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => path.join('server', f));
  for (const file of files) {
    const source = fs.readFileSync(path.join(root, file), 'utf8');
    const imports = [...source.matchAll(/(?:from|import)\s+'(\.{1,2}\/[^']+)'/g)].map((m) =>
      path.join(path.dirname(file), m[1] ?? ''),
    );
    graph.set(file, imports);
  }
  return graph;
}

/** The first circle found, as the list of modules around it, or null. */
function findCircle(graph: Map<string, string[]>): string[] | null {
  const done = new Set<string>();
  const walk = (file: string, trail: string[]): string[] | null => {
    const at = trail.indexOf(file);
    if (at >= 0) return [...trail.slice(at), file];
    if (done.has(file)) return null;
    for (const next of graph.get(file) ?? []) {
      const circle = walk(next, [...trail, file]);
      if (circle) return circle;
    }
    done.add(file);
    return null;
  };
  for (const file of graph.keys()) {
    const circle = walk(file, []);
    if (circle) return circle;
  }
  return null;
}

describe('module boundaries', () => {
  const graph = importGraph();

  it('the realtime gateway imports no domain, only the bus, the event log and shared pieces', () => {
    const allowed = ['server/realtime/', 'server/bus/', 'server/events/', 'server/lib/', 'server/http/', 'protocol/'];
    const outside = [...graph]
      .filter(([file]) => file.startsWith('server/realtime/'))
      .flatMap(([file, imports]) =>
        imports
          .filter((i) => i !== 'server/errors.ts' && !allowed.some((a) => i.startsWith(a)))
          .map((i) => `${file} → ${i}`),
      );
    assert.deepEqual(outside, []);
  });

  it('commerce imports neither the inbox nor pages (type imports included)', () => {
    const commerce = [...graph].filter(([file]) => file.startsWith('server/commerce/'));
    assert.ok(commerce.length > 10, `read commerce's modules (${commerce.length})`);
    const forbidden = ['server/inbox/', 'server/pages/'];
    const reaching = commerce.flatMap(([file, imports]) =>
      imports.filter((i) => forbidden.some((f) => i.startsWith(f))).map((i) => `${file} → ${i}`),
    );
    // A type written as import('…') in a signature is an import too, which the graph above does not read.
    const inline = commerce.flatMap(([file]) =>
      [...fs.readFileSync(path.join(root, file), 'utf8').matchAll(/import\(\s*'(\.{1,2}\/[^']+)'\s*\)/g)]
        .map((m) => path.join(path.dirname(file), m[1] ?? ''))
        .filter((i) => forbidden.some((f) => i.startsWith(f)))
        .map((i) => `${file} → ${i}`),
    );
    assert.deepEqual([...reaching, ...inline], []);
  });

  it('has no import circle in server/', () => {
    assert.ok(graph.size > 50, `read the modules (${graph.size})`);
    assert.equal(findCircle(graph)?.join(' → ') ?? null, null);
  });
});
