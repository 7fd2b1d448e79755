// budget: a monthly cost guard on the service project, in the billing account
// of platform.yaml, alerting the team and the platform team.
import { z } from 'zod';
import { about, expected, integer, list, mapping } from '../catalog/schema-kit';
import { ProjectBudget } from '../../constructs/project-budget';
import type { Capability } from './capability';
import { hclString } from '../terraform/hcl';

export const BUDGET_DEFAULT_THRESHOLDS = [0.5, 0.9, 1.0];

const fraction = z
  .number({ error: (iss) => expected('a fraction of the amount like 0.9', iss.input) })
  .gt(0, { error: (iss) => expected('a fraction above 0 like 0.9', iss.input) })
  .max(10, { error: (iss) => expected('a fraction of at most 10 like 0.9', iss.input) });

const schema = mapping({
  /** Whole units of the billing account's currency per month; required once a budget is set. Set it per environment. */
  monthlyAmount: integer(1, 10_000_000, 500).optional().meta(about('Required with budget: whole units of the billing account\'s currency per month; set it per environment.')),
  /** Fractions of the amount whose actual spend alerts (a forecast of 1.0 always does). @default [0.5, 0.9, 1.0] */
  thresholds: list(fraction, 'fractions like 0.9').optional().meta(about('Fractions of the amount whose actual spend alerts (a forecast of 1.0 always does).', BUDGET_DEFAULT_THRESHOLDS)),
}).meta(about('A monthly budget of each service project, alerting the team\'s group and the platform team. Default: none.'));

export interface BudgetSettings {
  readonly monthlyAmount: number;
  readonly thresholds: readonly number[];
  /** Who is alerted: the team's group and, when platform.yaml names it, the platform team's. */
  readonly alertEmails: Readonly<Record<string, string>>;
}

export const budget: Capability<'budget', z.output<typeof schema>, BudgetSettings> = {
  key: 'budget',
  title: 'Budget',
  path: ['budget'],
  schema,
  resolve(input, context) {
    if (input.monthlyAmount === undefined) {
      context.report(['monthlyAmount'], `required when a budget is set: the monthly amount for ${context.environment} (e.g. monthlyAmount: 500, or per environment under environments.${context.environment}.budget)`);
      return undefined;
    }
    const thresholds = [...new Set(input.thresholds ?? BUDGET_DEFAULT_THRESHOLDS)].sort((a, b) => a - b);
    if (input.thresholds && thresholds.length !== input.thresholds.length) context.report(['thresholds'], 'a threshold is listed twice; list each once');
    const alertEmails: Record<string, string> = { team: context.ownerGroup };
    if (context.platform.platformTeamGroup) alertEmails.platform = context.platform.platformTeamGroup;
    return { monthlyAmount: input.monthlyAmount, thresholds, alertEmails };
  },
  // The Budget API is called with the applier's quota project (the platform project, bootstrap stack), not here.
  apis: () => [],
  resources: {
    // The applier creates budgets on the billing account (roles/billing.costsManager there).
    google_billing_budget: { planner: 'roles/billing.viewer', applier: 'roles/billing.costsManager', scope: 'billing' },
    google_monitoring_notification_channel: { planner: 'roles/monitoring.viewer', applier: 'roles/monitoring.notificationChannelEditor' },
  },
  build(context, settings) {
    return new ProjectBudget(context.scope, 'Budget', {
      project: context.project,
      billingAccount: context.platform.billingAccount,
      monthlyAmount: settings.monthlyAmount,
      thresholds: settings.thresholds,
      alertEmails: settings.alertEmails,
      labels: context.labels,
    });
  },
  planAssertions(settings, { platform, list: all }) {
    const budgets = all('google_billing_budget');
    const thresholds = settings.thresholds.map((t) => `${t}`).join(', ');
    return [
      {
        condition: `length(${budgets}) == 1 && alltrue([for b in ${budgets} : b.billing_account == ${hclString(platform.billingAccount)} && b.amount[0].specified_amount[0].units == ${hclString(String(settings.monthlyAmount))} && b.budget_filter[0].calendar_period == "MONTH" && length(b.budget_filter[0].projects) == 1])`,
        message: `a monthly budget of ${settings.monthlyAmount} on the service project, in billing account ${platform.billingAccount}`,
      },
      {
        condition: `alltrue([for b in ${budgets} : sort([for r in b.threshold_rules : tostring(r.threshold_percent) if r.spend_basis != "FORECASTED_SPEND"]) == sort([for t in [${thresholds}] : tostring(t)]) && length(b.all_updates_rule[0].monitoring_notification_channels) == ${Object.keys(settings.alertEmails).length}])`,
        message: `alerts at ${thresholds} of actual spend (and a forecast of 1.0) to ${Object.values(settings.alertEmails).join(', ')}`,
      },
    ];
  },
  describe: (settings) => [
    `Budget: ${settings.monthlyAmount} a month on the billing account, alerts at ${settings.thresholds.map((t) => `${Math.round(t * 100)}%`).join(', ')} and a 100% forecast to ${Object.values(settings.alertEmails).join(', ')}`,
  ],
  newService: {
    flag: '--budget',
    label: 'Budget: a monthly budget with alerts to the team and the platform team',
    value: { name: 'AMOUNT', choices: ['100', '500', '1000', '5000'] },
    help: 'add a monthly budget (billing account currency): 100, 500, 1000 or 5000',
    render: (choice) => [
      '# Monthly budget of each service project (billing account currency); alerts',
      "# the team's group and the platform team at these fractions of it.",
      'budget:',
      `  monthlyAmount: ${choice}`,
      `  thresholds: [${BUDGET_DEFAULT_THRESHOLDS.join(', ')}]`,
    ],
  },
};
