import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../server/config.ts';
import { CliError, CliUsageError, commands, usage } from './commands.ts';

/** Commands with a subcommand: `comptoir user create`, `comptoir page create`. */
const groups = new Set(['user', 'page', 'app']);

/** `comptoir <command> [options]`: answers the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage);
    return name ? 0 : 1;
  }
  const words = groups.has(name ?? '') && rest[0] ? [`${name} ${rest[0]}`, rest.slice(1)] : [name, rest];
  const command = commands[words[0] as string];
  if (!command) {
    process.stderr.write(`Unknown command: ${name}\n\n${usage}`);
    return 2;
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: words[1] as string[], options: command.options, allowPositionals: false, strict: true })
      .values as Record<string, string | boolean | undefined>;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${usage}`);
    return 2;
  }
  const json = values.json === true;
  try {
    const config = loadConfig(process.env);
    return await command.run(config, values);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      return 2;
    }
    if (e instanceof CliUsageError) {
      process.stderr.write(`${e.message}\n\n${usage}`);
      return 2;
    }
    if (e instanceof CliError) {
      // The message goes to standard error either way; with --json, the error as JSON to standard output too.
      if (json) process.stdout.write(`${JSON.stringify({ error: { id: e.id, message: e.message } })}\n`);
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
