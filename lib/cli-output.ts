// What a command prints, kept short: long lists end in "and N more", notices
// go to stdout (the cdktf CLI shows every stderr line as [ERROR]), and a
// progress line appears only on a terminal, only for a synth that takes a
// while, and never in CI or a pipe.

/** `a, b, c and 7 more`: at most `max` items named. */
export function summarizeList(items: readonly string[], max = 10): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** The lines, each once, at most `max` of them, the rest counted in a last line. */
export function cappedLines(lines: readonly string[], max: number, what: string): string[] {
  const unique = [...new Set(lines)];
  if (unique.length <= max) return unique;
  return [...unique.slice(0, max), `... and ${unique.length - max} more ${what}`];
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): boolean;
}

/** A progress line is drawn on a terminal outside CI only. */
export function progressWanted(stream: ProgressStream, env: Readonly<Record<string, string | undefined>>): boolean {
  return stream.isTTY === true && !env.CI && env.TERM !== 'dumb';
}

export interface ProgressOptions {
  /** Nothing is drawn before this (a quick synth prints only its summary). @default 2000 ms */
  readonly delayMs?: number;
  /** Redraws at most this often. @default 100 ms */
  readonly intervalMs?: number;
  readonly now?: () => number;
}

/** `update(done, total)` redraws one line (`Synthesizing: 120/2002 stacks, 3.1 s`); `clear()` removes it. */
export function createProgress(stream: ProgressStream, options: ProgressOptions = {}) {
  const now = options.now ?? (() => Date.now());
  const started = now();
  const delay = options.delayMs ?? 2000;
  const interval = options.intervalMs ?? 100;
  let drawn = false;
  let last = -Infinity;
  return {
    update(done: number, total: number): void {
      const time = now();
      if (time - started < delay || (time - last < interval && done < total)) return;
      last = time;
      drawn = true;
      stream.write(`\r\x1b[2KSynthesizing: ${done}/${total} stacks, ${((time - started) / 1000).toFixed(1)} s`);
    },
    clear(): void {
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
