import { dayOfRotation, driftStacksFor, rotationDay, rotationSummary, ROTATION_DAYS } from '../../lib/ci/drift-rotation';

// 1,000 services in development and production, the platform and its cluster stack.
const services = Array.from({ length: 1000 }, (_, i) => `svc${String(i).padStart(4, '0')}`);
const stacks = [
  { name: 'platform', production: true },
  { name: 'cluster-production', production: true },
  ...services.flatMap((s) => [
    { name: `service-${s}-development`, production: false },
    { name: `service-${s}-production`, production: true },
  ]),
];
const day = (offset: number) => new Date(Date.UTC(2026, 11, 2 + offset, 3, 17));

describe('drift rotation', () => {
  it('plans every stack at least once in any 7 consecutive days, and each non-production stack exactly once', () => {
    for (const start of [0, 3, 40]) {
      const planned = new Map<string, number>();
      for (let d = start; d < start + ROTATION_DAYS; d++) for (const s of driftStacksFor(stacks, day(d))) planned.set(s.name, (planned.get(s.name) ?? 0) + 1);
      expect(stacks.filter((s) => !planned.has(s.name))).toEqual([]);
      for (const s of stacks.filter((x) => !x.production)) expect(planned.get(s.name)).toBe(1);
    }
  });

  it('plans every production stack every day', () => {
    for (let d = 0; d < 14; d++) {
      const today = new Set(driftStacksFor(stacks, day(d)).map((s) => s.name));
      for (const s of stacks.filter((x) => x.production)) expect(today.has(s.name)).toBe(true);
    }
  });

  it('spreads the others evenly (each day within 25% of a seventh) and keeps a stack on the same day whatever the list', () => {
    const perDay = Array.from({ length: ROTATION_DAYS }, (_, d) => driftStacksFor(stacks, day(d)).length - 1002);
    for (const n of perDay) expect(Math.abs(n - 1000 / 7)).toBeLessThan(1000 / 7 / 4);
    expect(rotationDay('service-svc0001-development')).toBe(rotationDay('service-svc0001-development'));
    const alone = driftStacksFor([{ name: 'service-svc0001-development', production: false }], day(rotationDay('service-svc0001-development') - dayOfRotation(day(0)) + 7));
    expect(alone.map((s) => s.name)).toEqual(['service-svc0001-development']);
  });

  it('uses UTC days: the time of day does not move a stack to another day', () => {
    expect(dayOfRotation(new Date('2026-12-02T00:00:00Z'))).toBe(dayOfRotation(new Date('2026-12-02T23:59:59Z')));
    expect(dayOfRotation(new Date('2026-12-03T00:00:00Z'))).toBe((dayOfRotation(new Date('2026-12-02T00:00:00Z')) + 1) % 7);
  });

  it('prints the daily plan count', () => {
    const today = driftStacksFor(stacks, day(0));
    expect(rotationSummary(stacks, today, day(0))).toBe(
      `drift 2026-12-02: ${today.length.toLocaleString('en-US')} of 2,002 stacks planned today: 1,002 production (daily) + ${today.length - 1002} of 1,000 others (rotation day ${dayOfRotation(day(0)) + 1} of 7, each weekly)`,
    );
  });
});
