/** The benchmark's side of bench/attacker.ts: start it, tell it when to attack and when to stop. */
import { cpuMs, type Proc, startProcess } from './processes.ts';

export interface ReplayAttack {
  hellos: number;
  replays: number;
  events: number;
  bytes: number;
  connects: number;
  refusedHellos: number;
  refusedUpgrades: Record<string, number>;
  closes: Record<string, number>;
  resets: number;
  errors: Record<string, number>;
  seconds: number;
  eventsPerSecond: number;
}

export interface SigninAttack {
  sent: number;
  byStatus: Record<string, number>;
  failures: Record<string, number>;
  unanswered: number;
  sendingSeconds: number;
  spanMs: number;
  latencyMs: Record<string, { p50: number; p99: number }>;
}

export interface Attacker<R> {
  go(): void;
  /** Tells it to stop… */
  stop(): void;
  /** …and answers its report, and the CPU it used while attacking (ms). */
  finish(): Promise<{ report: R; cpuMs: number }>;
}

async function start<R>(args: string[]): Promise<Attacker<R>> {
  const p: Proc = await startProcess(['bench/attacker.ts', ...args], {}, /ATTACKER READY (\d+)/, { stdin: 'pipe' });
  const pid = p.child.pid as number;
  const exited = new Promise((r) => p.child.once('exit', r));
  let cpu0 = 0;
  let cpu = 0;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    cpu = cpuMs(pid) - cpu0;
    p.child.stdin?.write('stop\n');
  };
  return {
    go() {
      cpu0 = cpuMs(pid);
      p.child.stdin?.write('go\n');
    },
    stop,
    async finish() {
      stop();
      await exited;
      const line = /^ATTACK (.*)$/m.exec(p.output());
      if (!line?.[1]) throw new Error(`the attacker reported nothing:\n${p.output()}`);
      return { report: JSON.parse(line[1]) as R, cpuMs: cpu };
    },
  };
}

/** One account replaying its history from cursor 0 on `sockets` sockets, from one address. */
export const replayAttacker = (wsUrl: string, cookie: string, sockets: number, address: string) =>
  start<ReplayAttack>(['replay', wsUrl, cookie, String(sockets), address]);

/** `perSecond` wrong passwords for `username`, each from an address of its own. */
export const signinAttacker = (baseUrl: string, username: string, perSecond: number) =>
  start<SigninAttack>(['signin', baseUrl, username, String(perSecond)]);
