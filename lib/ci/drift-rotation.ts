// Which stacks the daily drift run plans: production stacks every day, every
// other stack on one day of a 7-day rotation picked by a stable hash of its
// name, so each stack is checked at least weekly and the daily load is
// spread evenly (at 1,000 services: the production stacks plus about a
// seventh of the rest, instead of every stack every day).
export const ROTATION_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

/** FNV-1a (32 bit): stable across runs, machines and Node versions, unlike a salted hash. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The day of the rotation (0-6) a non-production stack is planned on. */
export function rotationDay(stack: string): number {
  return fnv1a(stack) % ROTATION_DAYS;
}

/** The rotation day of a date: whole UTC days since 1970-01-01, modulo 7 (consecutive days never repeat within a week). */
export function dayOfRotation(date: Date): number {
  return Math.floor(date.getTime() / DAY_MS) % ROTATION_DAYS;
}

export interface RotatedStack {
  readonly name: string;
  readonly production: boolean;
}

/** The stacks to plan on `date`: every production stack, and the others whose rotation day it is. */
export function driftStacksFor<T extends RotatedStack>(stacks: readonly T[], date: Date): T[] {
  const today = dayOfRotation(date);
  return stacks.filter((s) => s.production || rotationDay(s.name) === today);
}

/** One line for the log and the run summary: how many plans today, and why. */
export function rotationSummary(all: readonly RotatedStack[], selected: readonly RotatedStack[], date: Date): string {
  const production = all.filter((s) => s.production).length;
  const others = all.length - production;
  const n = (x: number) => x.toLocaleString('en-US');
  return (
    `drift ${date.toISOString().slice(0, 10)}: ${n(selected.length)} of ${n(all.length)} stacks planned today: ` +
    `${n(production)} production (daily) + ${n(selected.length - production)} of ${n(others)} others (rotation day ${dayOfRotation(date) + 1} of ${ROTATION_DAYS}, each weekly)`
  );
}
