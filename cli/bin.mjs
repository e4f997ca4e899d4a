#!/usr/bin/env node
// The `comptoir` command. Comptoir runs its TypeScript sources directly through tsx.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./comptoir.ts');
process.exitCode = await main(process.argv.slice(2));
