// What test:emulator records of each step, and terraform's apply / re-plan /
// refused-destroy sequence shared by the Spanner and Kubernetes parts.
import { firstError, terraform, type TerraformSetup } from '../cli';

export interface StepResult {
  readonly step: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly seconds: number;
}

export class Steps {
  readonly results: StepResult[] = [];
  resourcesApplied = 0;
  plansRun = 0;

  constructor(private readonly log: (line: string) => void) {}

  /** Runs `body`; a thrown error is a failed step (the run goes on to clean up). */
  async run(step: string, body: () => Promise<string>): Promise<boolean> {
    const started = Date.now();
    let result: StepResult;
    try {
      result = { step, ok: true, detail: await body(), seconds: (Date.now() - started) / 1000 };
    } catch (error) {
      result = { step, ok: false, detail: error instanceof Error ? error.message : String(error), seconds: (Date.now() - started) / 1000 };
    }
    this.results.push(result);
    const detail = result.ok ? (result.detail ? `: ${result.detail}` : '') : `\n${indent(result.detail)}`;
    this.log(`${result.ok ? 'ok  ' : 'FAIL'} ${step} (${result.seconds.toFixed(1)} s)${detail}`);
    return result.ok;
  }

  /** A line that is not a check: what is not covered here, and where it is. */
  note(text: string): void {
    this.log(`note ${text}`);
  }

  get ok(): boolean {
    return this.results.every((r) => r.ok);
  }
}

/** `terraform apply`; returns the number of resources it added. */
export async function apply(setup: TerraformSetup, dir: string, steps: Steps): Promise<number> {
  const result = await terraform(setup, dir, ['apply', '-auto-approve', '-input=false', '-no-color']);
  steps.plansRun += 1;
  if (result.code !== 0) throw new Error(`terraform apply failed:\n${firstError(result)}`);
  const added = Number(/Resources: (\d+) added/.exec(result.stdout)?.[1] ?? 'NaN');
  if (!Number.isInteger(added)) throw new Error(`terraform apply said nothing about resources added:\n${result.stdout}`);
  steps.resourcesApplied += added;
  return added;
}

/** A second plan must show no changes (`-detailed-exitcode`: 0 none, 2 changes). */
export async function planIsClean(setup: TerraformSetup, dir: string, steps: Steps): Promise<void> {
  const result = await terraform(setup, dir, ['plan', '-detailed-exitcode', '-input=false', '-no-color']);
  steps.plansRun += 1;
  if (result.code === 2) throw new Error(`the second plan wants changes:\n${result.stdout.trim()}`);
  if (result.code !== 0) throw new Error(`terraform plan failed:\n${firstError(result)}`);
}

/** `terraform destroy` must fail with `expected` in Terraform's message. */
export async function destroyIsRefused(setup: TerraformSetup, dir: string, expected: RegExp, steps: Steps): Promise<string> {
  const result = await terraform(setup, dir, ['destroy', '-auto-approve', '-input=false', '-no-color']);
  steps.plansRun += 1;
  const message = firstError(result);
  if (result.code === 0) throw new Error('terraform destroy succeeded: deletion protection did not hold');
  if (!expected.test(message)) throw new Error(`terraform destroy failed, but not for the expected reason (${expected}):\n${message}`);
  return (message.split('\n').find((line) => expected.test(line)) ?? message).replace(/^Error: /, '').trim();
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
