// In a terminal, values missing from the command line are asked for with
// @inquirer/prompts: the required ones as text (the rule shown, every answer
// checked by the same rules as the flags), then the choices from lists:
// capabilities (lib/new-service/capabilities.ts), node pool and environments.
// The streams are parameters so tests can answer.
import { PassThrough } from 'node:stream';
import { checkbox, input, select } from '@inquirer/prompts';
import { maxServiceNameLength, RESERVED_SERVICE_NAMES, RESERVED_SERVICE_PREFIXES, RESTRICTED_PROJECT_ID_WORDS, TEAM_NAME_MAX_LENGTH } from '../catalog/names';
import { NODE_POOLS } from '../catalog/schema';
import { DEFAULTS } from '../catalog/resolve';
import { EXAMPLE_COMMAND, flagOf, type NewServiceArgs } from './args';
import { CAPABILITIES } from './capabilities';
import { nameProblems, ownerGroupProblems, teamProblems, type CatalogContext } from './validate';

/** Wrong answers to one question before giving up. */
export const MAX_ATTEMPTS = 3;

export interface PromptStreams {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
}

interface PromptContext {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  readonly clearPromptOnDone: boolean;
  readonly signal: AbortSignal;
}

interface Question {
  readonly key: 'name' | 'team' | 'ownerGroup';
  readonly label: string;
  /** Read when asked: the group's example uses the team answered before it. */
  readonly rule: () => string;
  readonly check: (answer: string) => string[];
}

class GaveUp extends Error {}
class InputEnded extends Error {}

/**
 * Asks for each value `args` lacks and fills it in. The choices (capabilities,
 * node pool, environments) are asked only when a required value was missing:
 * a command line with every required flag runs without questions. Returns the
 * problems that stop the run (input ended, too many wrong answers).
 */
export async function askMissing(args: NewServiceArgs, context: CatalogContext, streams: PromptStreams): Promise<string[]> {
  const { platform } = context.catalog;
  const questions: Question[] = [
    {
      key: 'name',
      label: 'Service name',
      rule: () => `lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen, at most ${maxServiceNameLength(platform)} characters (project ids have at most 30); without ${RESTRICTED_PROJECT_ID_WORDS.join(', ')}; not reserved (${[...RESERVED_SERVICE_NAMES, ...RESERVED_SERVICE_PREFIXES.map((p) => `${p}*`)].join(', ')}); e.g. checkout`,
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
  // Each prompt ends the stream it writes to when it is done: give it a pipe
  // into the output that leaves the output open for the next one.
  // A prompt waits on input that has ended (until the process exits): the
  // end aborts it instead. `giveUp` aborts it after too many wrong answers.
  const ask = async <T>(prompt: (context: PromptContext, giveUp: () => void) => Promise<T>): Promise<T> => {
    const input = streams.input as NodeJS.ReadableStream & { readableEnded?: boolean };
    if (input.readableEnded) throw new InputEnded();
    const controller = new AbortController();
    const ended = () => controller.abort(new InputEnded());
    input.once('end', ended);
    input.once('close', ended);
    const output = new PassThrough();
    output.pipe(streams.output, { end: false });
    try {
      return await prompt({ input: streams.input, output, clearPromptOnDone: false, signal: controller.signal }, () => setImmediate(() => controller.abort(new GaveUp())));
    } catch (error) {
      throw controller.signal.aborted ? controller.signal.reason : error;
    } finally {
      input.off('end', ended);
      input.off('close', ended);
    }
  };
  let asking = flagOf('name');
  try {
    for (const question of pending) {
      asking = flagOf(question.key);
      streams.output.write(`${question.label} (${asking}): ${question.rule()}\n`);
      let wrong = 0;
      const answer = await ask((context, giveUp) =>
        input(
          {
            message: question.label,
            validate: (value) => {
              const problems = question.check(value.trim());
              if (problems.length === 0) return true;
              if (++wrong >= MAX_ATTEMPTS) giveUp();
              return problems.join('; ');
            },
          },
          context,
        ),
      );
      args[question.key] = answer.trim();
    }
    if (!CAPABILITIES.some((c) => args.capabilities[c.key] !== undefined)) {
      asking = 'capabilities';
      const chosen = await ask((context) =>
        checkbox({ message: 'Capabilities (space selects, enter confirms; none is fine)', choices: CAPABILITIES.map((c) => ({ name: c.label, value: c.key })) }, context),
      );
      for (const capability of CAPABILITIES.filter((c) => chosen.includes(c.key))) {
        asking = `--${capability.flag}`;
        if (capability.variants) {
          const { name, values } = capability.variants;
          args.capabilities[capability.key] = await ask((context) => select({ message: `${capability.label}: ${name.toLowerCase()}`, choices: values.map((value) => ({ name: value, value })) }, context));
        } else {
          args.capabilities[capability.key] = true;
        }
      }
    }
    if (args.nodePool === undefined) {
      asking = flagOf('nodePool');
      const pools = platform.cluster.nodePools;
      args.nodePool = await ask((context) =>
        select({ message: 'Node pool', default: DEFAULTS.nodePool, choices: NODE_POOLS.map((pool) => ({ name: `${pool} (${pools[pool].machineType})`, value: pool })) }, context),
      );
    }
    if (args.environments === undefined) {
      asking = flagOf('environments');
      const known = Object.keys(platform.environments);
      const chosen = await ask((context) =>
        checkbox(
          {
            message: 'Environments',
            choices: known.map((env) => ({ name: env, value: env, checked: true })),
            validate: (items) => items.length > 0 || 'choose at least one environment',
          },
          context,
        ),
      );
      args.environments = chosen.join(',');
    }
  } catch (error) {
    if (error instanceof GaveUp) return [`${asking}: no valid answer after ${MAX_ATTEMPTS} attempts; nothing was written`];
    if (error instanceof InputEnded || (error instanceof Error && error.name === 'ExitPromptError')) {
      return [`${asking}: input ended before a value was given; answer the question or pass it on the command line (e.g. ${EXAMPLE_COMMAND})`];
    }
    throw error;
  }
  return [];
}
