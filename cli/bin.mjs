#!/usr/bin/env -S node --max-semi-space-size=32
// The `comptoir` command. Comptoir runs its TypeScript sources directly through tsx. A 32 MiB young
// generation (the semi-space) makes for fewer garbage collections under load: about 8% less CPU per
// message and a shorter latency tail in bench/messaging.ts.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./comptoir.ts');
process.exitCode = await main(process.argv.slice(2));
