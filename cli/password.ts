import { CliError } from './errors.ts';

/**
 * The password for `comptoir user create`: typed at a prompt (twice, not echoed) when standard input is
 * a terminal, else the first line of standard input (`… < file`, or piped from a secrets manager). Never
 * from the command line, where it would stay in the shell's history and show in the process list.
 */
export async function readPassword(stdin: NodeJS.ReadStream = process.stdin): Promise<string> {
  if (stdin.isTTY) {
    const first = await prompt(stdin, 'Password: ');
    const second = await prompt(stdin, 'Password again: ');
    if (first !== second) throw new CliError('bad_request', 'The two passwords differ');
    return first;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(chunk as Buffer);
  const line = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  if (!line) throw new CliError('bad_request', 'No password on standard input (or run this in a terminal to be asked)');
  return line;
}

/** Reads one line from a terminal without echoing it. */
function prompt(stdin: NodeJS.ReadStream, question: string): Promise<string> {
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  let value = '';
  return new Promise((resolve, reject) => {
    const finish = (error: CliError | null) => {
      stdin.removeListener('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish(null);
        if (ch === '\u0003' || ch === '\u0004') return finish(new CliError('cancelled', 'Cancelled'));
        if (ch === '\u007f' || ch === '\b') value = Array.from(value).slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
