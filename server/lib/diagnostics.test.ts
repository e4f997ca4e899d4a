import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { backends, serverOn } from '../../test/helpers/backends.ts';
import { signUp, startDirect } from '../../test/helpers/client.ts';
import { say } from '../../test/helpers/platform.ts';
import type { TestServer } from '../../test/helpers/server.ts';
import { until } from '../../test/helpers/until.ts';
import { STATEMENT_TEXT, type StatementTime, StatementTimes } from '../storage/statement-times.ts';
import type { Logger } from './logger.ts';

describe('StatementTimes', () => {
  it('names the statements that took the most time, per connection, with the total; then starts over', () => {
    const times = new StatementTimes();
    times.note('writer', 'COMMIT', 0.9);
    times.note('writer', 'INSERT INTO messages\n   (id, text)\tVALUES (?, ?)', 0.01);
    times.note('writer', 'INSERT INTO messages\n   (id, text)\tVALUES (?, ?)', 0.03);
    times.note('reader', 'COMMIT', 0.1);
    times.note('reader', `SELECT ${'x, '.repeat(100)}y FROM t`, 0.2);
    const taken = times.take(3);
    assert.equal(taken.calls, 5);
    assert.equal(taken.ms, 1.2);
    assert.deepEqual(
      taken.top.map((t) => [t.statement.slice(0, 30), t.calls, t.usPerCall, t.ms]),
      [
        ['writer: COMMIT', 1, 900, 0.9],
        ['reader: SELECT x, x, x, x, x, ', 1, 200, 0.2],
        ['reader: COMMIT', 1, 100, 0.1],
      ],
    );
    // Whitespace folded, the text cut: a line stays short whatever the statement.
    assert.equal((taken.top[1] as StatementTime).statement.length, 'reader: '.length + STATEMENT_TEXT);
    assert.deepEqual(times.take(3), { calls: 0, ms: 0, top: [] });
    times.note('writer', 'INSERT INTO messages (id, text) VALUES (?, ?)', 0.02);
    assert.deepEqual(times.take(1).top, [
      { statement: 'writer: INSERT INTO messages (id, text) VALUES (?, ?)', calls: 1, usPerCall: 20, ms: 0 },
    ]);
  });
});

/** A logger at info whose lines are kept, parsed. */
function keptLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) };
  return { logger: pino({ level: 'info' }, stream) as unknown as Logger, lines };
}

interface DiagnosticsLine {
  msg: string;
  jobs: number;
  statements?: { calls: number; ms: number; top: StatementTime[] };
}

for (const backend of backends) {
  describe(`diagnostics of the statements (${backend.name})`, () => {
    let skip: string | false = false;
    let s: TestServer;
    let plain: TestServer;
    const kept = keptLogger();
    const plainKept = keptLogger();
    const env = {
      LOG_LEVEL: 'info',
      COMPTOIR_DIAGNOSTICS: '1',
      RATE_MESSAGES_PER_SECOND: '1000',
      RATE_MESSAGES_BURST: '1000',
    };

    before(async () => {
      skip = await backend.skip();
      if (skip) return;
      s = await serverOn(backend, { ...env, COMPTOIR_DIAGNOSTICS_STATEMENTS: 'on' }, { logger: kept.logger });
      plain = await serverOn(backend, env, { logger: plainKept.logger });
    });
    after(async () => {
      await s?.close();
      await plain?.close();
    });

    // Forty messages, one after the other: their statements outweigh the server's background work.
    const exchange = async (server: TestServer) => {
      const ana = await signUp(server.url);
      const ben = await signUp(server.url);
      const conversation = await startDirect(ana, ben);
      for (let i = 0; i < 40; i++) assert.equal((await say(ana, conversation.id, `hello ${i}`)).status, 201);
    };
    const diagnostics = (lines: Record<string, unknown>[]) =>
      lines.filter((l) => l.msg === 'diagnostics') as unknown as DiagnosticsLine[];

    it('a diagnostics line names the statements that took the most time, per connection', async (t) => {
      if (skip) return t.skip(skip);
      const from = kept.lines.length;
      await exchange(s);
      // The lines of the intervals that saw the messages: two more lines, and the last interval began after them.
      const logged = diagnostics(kept.lines).length;
      await until('the diagnostics lines of the messages', () => diagnostics(kept.lines).length >= logged + 2, 30_000);
      const lines = diagnostics(kept.lines.slice(from)).filter((l) => l.jobs > 0);
      for (const { statements } of lines) {
        assert.ok(statements, 'each line counts the statements');
        assert.ok(statements.calls > 0 && statements.ms > 0, JSON.stringify(statements));
        assert.ok(statements.top.length > 0 && statements.top.length <= 8);
        for (const t of statements.top) {
          assert.match(t.statement, /^(writer|reader): \S/);
          assert.ok(t.calls > 0 && t.usPerCall > 0, JSON.stringify(t));
        }
      }
      // Each message is a batch of its own: at least its BEGIN and COMMIT counted; COMMIT among the longest.
      assert.ok(lines.reduce((sum, l) => sum + (l.statements?.calls ?? 0), 0) >= 80);
      const named = lines.flatMap((l) => l.statements?.top ?? []);
      const commits = named.filter((t) => t.statement === 'writer: COMMIT').reduce((sum, t) => sum + t.calls, 0);
      assert.ok(commits >= 20, `COMMIT named, ${commits} calls, in ${JSON.stringify(named.map((t) => t.statement))}`);
    });

    it('without COMPTOIR_DIAGNOSTICS_STATEMENTS the line has no statements', async (t) => {
      if (skip) return t.skip(skip);
      await exchange(plain);
      await until(
        'a diagnostics line with the messages',
        () => diagnostics(plainKept.lines).some((l) => l.jobs > 0),
        30_000,
      );
      assert.ok(diagnostics(plainKept.lines).every((l) => l.statements === undefined));
      assert.equal(plain.comptoir.storage.statementTimes, null);
    });
  });
}
