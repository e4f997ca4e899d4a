/** One statement's share of an interval (lib/diagnostics.ts logs the largest). */
export interface StatementTime {
  /** `writer` or `reader`, and the statement's text, whitespace folded, cut at STATEMENT_TEXT characters. */
  statement: string;
  calls: number;
  usPerCall: number;
  ms: number;
}

/** Where a connection's statements are counted, under its name (each backend's statements take one). */
export interface Timed {
  of: StatementTimes;
  connection: 'writer' | 'reader';
}

/** How much of a statement's text a diagnostics line carries. */
export const STATEMENT_TEXT = 100;

/**
 * The time each statement took, per connection, between two reads (`COMPTOIR_DIAGNOSTICS_STATEMENTS=on`):
 * on SQLite the time of the call on the thread that made it, on PostgreSQL from sending the statement to
 * its answer (a round trip, and the wait behind the connection's earlier statements). Off by default: two
 * clock reads per statement.
 */
export class StatementTimes {
  private readonly byKey = new Map<string, { calls: number; ms: number }>();
  private readonly keys = new Map<string, string>();

  /** Counts one call of `text` on `connection`, which took `ms`. */
  note(connection: 'writer' | 'reader', text: string, ms: number) {
    const id = `${connection}\u0000${text}`;
    let key = this.keys.get(id);
    if (key === undefined) {
      key = `${connection}: ${text.replace(/\s+/g, ' ').trim().slice(0, STATEMENT_TEXT)}`;
      this.keys.set(id, key);
    }
    const t = this.byKey.get(key);
    if (t) {
      t.calls++;
      t.ms += ms;
    } else this.byKey.set(key, { calls: 1, ms });
  }

  /** The `n` statements that took the most time since the last take, with the total of all; then starts over. */
  take(n: number): { calls: number; ms: number; top: StatementTime[] } {
    let calls = 0;
    let ms = 0;
    for (const t of this.byKey.values()) {
      calls += t.calls;
      ms += t.ms;
    }
    const top = [...this.byKey]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, n)
      .map(([statement, t]) => ({
        statement,
        calls: t.calls,
        usPerCall: +((t.ms * 1000) / t.calls).toFixed(1),
        ms: +t.ms.toFixed(1),
      }));
    this.byKey.clear();
    return { calls, ms: +ms.toFixed(1), top };
  }
}
