// Local servers for test:emulator: started on free loopback ports, waited for
// until ready, and stopped by their process group id (a server's own children,
// like the Spanner emulator's, go with it), also when a step fails or the run
// is interrupted.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';

export interface Server {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  readonly process: ChildProcess;
}

/** A free TCP port on 127.0.0.1 (the OS picks; the server binds it right after). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

/** The servers one run started; `stopAll` ends every one of them, by pid. */
export class Servers {
  private readonly started: Server[] = [];
  private readonly onExit = () => this.killAllNow();

  constructor() {
    process.on('exit', this.onExit);
  }

  start(name: string, command: string, args: readonly string[], logFile: string): Server {
    const log = openSync(logFile, 'a');
    // Its own process group, so stopping it also stops what it started.
    const child = spawn(command, args, { detached: true, stdio: ['ignore', log, log] });
    closeSync(log);
    if (child.pid === undefined) throw new Error(`${name} did not start (${command}); see ${logFile}`);
    const server = { name, pid: child.pid, logFile, process: child };
    this.started.push(server);
    return server;
  }

  /** Polls `ready` until it resolves true; fails when the server exits or `seconds` pass, with the end of its log. */
  async waitUntilReady(server: Server, ready: () => Promise<boolean>, seconds: number): Promise<void> {
    const deadline = Date.now() + seconds * 1000;
    while (Date.now() < deadline) {
      if (server.process.exitCode !== null || server.process.signalCode !== null) {
        throw new Error(`${server.name} exited (${server.process.exitCode ?? server.process.signalCode}) before it was ready:\n${tail(server.logFile)}`);
      }
      if (await ready().catch(() => false)) return;
      await sleep(250);
    }
    throw new Error(`${server.name} was not ready after ${seconds} s:\n${tail(server.logFile)}`);
  }

  /** Stops every server, newest first: SIGTERM to its group, SIGKILL after 10 s. */
  async stopAll(): Promise<void> {
    for (const server of [...this.started].reverse()) {
      if (server.process.exitCode === null && server.process.signalCode === null) {
        let timer: NodeJS.Timeout | undefined;
        const exited = new Promise<void>((done) => {
          server.process.once('exit', () => done());
          timer = setTimeout(done, 10_000);
        });
        signalGroup(server.pid, 'SIGTERM');
        await exited;
        clearTimeout(timer);
      }
      // Children of the server may outlive it: the group goes too.
      signalGroup(server.pid, 'SIGKILL');
    }
    this.started.length = 0;
    process.off('exit', this.onExit);
  }

  private killAllNow(): void {
    for (const server of this.started) signalGroup(server.pid, 'SIGKILL');
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** True when GET `url` answers 200 (TLS not verified: local servers with self-signed certificates). */
export function httpOk(url: string, headers: Record<string, string> = {}): Promise<boolean> {
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((done) => {
    const req = request(url, { headers, rejectUnauthorized: false, timeout: 2000 }, (res) => {
      res.resume();
      done(res.statusCode === 200);
    });
    req.on('error', () => done(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
