#!/usr/bin/env node
// The `comptoir` command. Comptoir runs its TypeScript sources directly through tsx, on Node 24 LTS.
// No V8 flags: Node 24 sizes the young generation from the machine's memory (up to 64 MiB semi-spaces),
// and the `--max-semi-space-size=32` that helped on Node 20 costs about 10% CPU per message on 24
// (docs/BENCHMARKS.md).
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    `Comptoir needs Node.js 24 LTS or later; this is ${process.version}.\n` +
      'In this folder, `. scripts/node24.sh` installs Node 24 from the npm registry for this shell.\n',
  );
  process.exit(2);
}
const { register } = await import('tsx/esm/api');

register();
const { main } = await import('./comptoir.ts');
process.exitCode = await main(process.argv.slice(2));
