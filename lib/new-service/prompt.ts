// In a terminal, required values missing from the command line are asked for,
// one at a time, with the rule shown and every answer checked by the same
// rules as the flags. The streams are parameters so tests can answer.
import { createInterface } from 'node:readline';
import { maxServiceNameLength, RESERVED_SERVICE_NAMES, RESERVED_SERVICE_PREFIXES, RESTRICTED_PROJECT_ID_WORDS, TEAM_NAME_MAX_LENGTH } from '../catalog/names';
import { EXAMPLE_COMMAND, flagOf, type NewServiceArgs } from './args';
import { nameProblems, ownerGroupProblems, teamProblems, type CatalogContext } from './validate';

/** Wrong answers in a row before giving up (a script piping junk must not loop forever). */
export const MAX_ATTEMPTS = 3;

export interface PromptStreams {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
}

interface Question {
  readonly key: 'name' | 'team' | 'ownerGroup';
  readonly label: string;
  /** Read when asked: the group's example uses the team answered before it. */
  readonly rule: () => string;
  readonly check: (answer: string) => string[];
}

/**
 * Asks for each required value `args` lacks and fills it in. Returns the
 * problems that stop the run (input ended, too many wrong answers).
 */
export async function askMissing(args: NewServiceArgs, context: CatalogContext, streams: PromptStreams): Promise<string[]> {
  const questions: Question[] = [
    {
      key: 'name',
      label: 'Service name',
      rule: () => `lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen, at most ${maxServiceNameLength(context.catalog.platform)} characters (project ids have at most 30); without ${RESTRICTED_PROJECT_ID_WORDS.join(', ')}; not reserved (${[...RESERVED_SERVICE_NAMES, ...RESERVED_SERVICE_PREFIXES.map((p) => `${p}*`)].join(', ')}); e.g. checkout`,
      check: (answer) => nameProblems(answer, context),
    },
    {
      key: 'team',
      label: 'Owning team',
      rule: () => `same characters as service names, at most ${TEAM_NAME_MAX_LENGTH}; e.g. commerce`,
      check: teamProblems,
    },
    {
      key: 'ownerGroup',
      label: "Team's Google group",
      rule: () => `the group's email address in lowercase; e.g. ${args.team ?? 'commerce'}@example.com`,
      check: (answer) => ownerGroupProblems(answer, args.team),
    },
  ];
  const pending = questions.filter((q) => args[q.key] === undefined);
  if (pending.length === 0) return [];

  const rl = createInterface({ input: streams.input, output: streams.output, terminal: false });
  // An iterator buffers lines, so answers typed (or piped) ahead are kept.
  const lines = rl[Symbol.asyncIterator]();
  try {
    for (const question of pending) {
      streams.output.write(`${question.label} (${flagOf(question.key)}): ${question.rule()}\n`);
      let accepted: string | undefined;
      for (let attempt = 1; attempt <= MAX_ATTEMPTS && accepted === undefined; attempt++) {
        streams.output.write(`${question.label}: `);
        const next = await lines.next();
        if (next.done) return [`${flagOf(question.key)}: input ended before a value was given; answer the question or pass it on the command line (e.g. ${EXAMPLE_COMMAND})`];
        const answer = next.value.trim();
        const problems = question.check(answer);
        if (problems.length === 0) accepted = answer;
        else streams.output.write(problems.map((p) => `  ${p}\n`).join(''));
      }
      if (accepted === undefined) return [`${flagOf(question.key)}: no valid answer after ${MAX_ATTEMPTS} attempts; nothing was written`];
      args[question.key] = accepted;
    }
  } finally {
    rl.close();
  }
  return [];
}
