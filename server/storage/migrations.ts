import fs from 'node:fs';
import path from 'node:path';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The migrations of one backend, from `migrations/<backend>/NNNN_name.sql`, in order. */
export function loadMigrations(backend: 'sqlite' | 'postgres'): Migration[] {
  const dir = path.join(import.meta.dirname, 'migrations', backend);
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file.slice(5, -4),
      sql: fs.readFileSync(path.join(dir, file), 'utf8'),
    }));
}
