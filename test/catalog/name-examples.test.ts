// The examples in name messages are themselves valid names: a suggestion that
// fails the same check again teaches nothing.
import { serviceNameProblems, teamNameProblems } from '../../lib/catalog/names';
import { exampleCatalog } from '../helpers';

const BAD_NAMES = ['Foo', 'Payment', 'check_out', '1checkout', 'checkout-', 'kube-', 'kube-tools', 'gke-x', 'goog', 'platform', 'velero', 'googlepay', 'Google-SSL', 'null', 'A', 'x'.repeat(40), 'KUBE-Checkout', '---', '9', 'ssl-undefined-null'];

describe('name examples', () => {
  const { platform } = exampleCatalog();
  const taken = (name: string) => name === 'payment';

  it.each(BAD_NAMES)('every example for %j is a valid, free service name', (name) => {
    const problems = serviceNameProblems(name, platform, taken);
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) {
      const example = /\(e\.g\. "([^"]*)"\)/.exec(problem)?.[1];
      expect(example).toBeDefined();
      expect(serviceNameProblems(example!, platform, taken)).toEqual([]);
      expect(taken(example!)).toBe(false);
    }
  });

  it.each(['Commerce Team', 'Ops_', `t${'e'.repeat(70)}`])('every example for the team %j is a valid team name', (team) => {
    for (const problem of teamNameProblems(team)) {
      const example = /\(e\.g\. "([^"]*)"\)/.exec(problem)![1];
      expect(teamNameProblems(example)).toEqual([]);
    }
  });
});
