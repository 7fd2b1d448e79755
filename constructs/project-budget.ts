import { Construct } from 'constructs';
import { BillingBudget } from '@cdktf/provider-google/lib/billing-budget';
import { MonitoringNotificationChannel } from '@cdktf/provider-google/lib/monitoring-notification-channel';
import type { Labels } from '../lib/labels';
import { throwIfProblems } from '../lib/props';
import type { ServiceProject } from './service-project';

export interface ProjectBudgetProps {
  readonly project: ServiceProject;
  /** The billing account the project is linked to (the budget lives there). */
  readonly billingAccount: string;
  /** Whole units of the billing account's currency per calendar month. */
  readonly monthlyAmount: number;
  /** Fractions of the amount that alert (actual spend), e.g. 0.5, 0.9, 1.0; a forecast of 1.0 alerts too. @default 0.5, 0.9, 1.0 */
  readonly thresholds?: readonly number[];
  /** Who is alerted, by a stable name (channel construct id) to email. */
  readonly alertEmails: Readonly<Record<string, string>>;
  readonly labels: Labels;
}

/**
 * A monthly budget on one project in its billing account: spend thresholds
 * and a forecast of the full amount alert the listed addresses (email
 * channels in the project) and the billing account's admins.
 */
export class ProjectBudget extends Construct {
  readonly budget: BillingBudget;

  constructor(scope: Construct, id: string, props: ProjectBudgetProps) {
    super(scope, id);
    const thresholds = [...(props.thresholds ?? [0.5, 0.9, 1.0])].sort((a, b) => a - b);
    const problems: string[] = [];
    if (!Number.isInteger(props.monthlyAmount) || props.monthlyAmount < 1) problems.push(`monthlyAmount ${props.monthlyAmount} must be a whole number of at least 1 (e.g. 500)`);
    for (const t of thresholds) if (!(t > 0 && t <= 10)) problems.push(`threshold ${t} must be a fraction above 0 and at most 10 (e.g. 0.9 for 90%)`);
    if (new Set(thresholds).size !== thresholds.length) problems.push('thresholds lists a value twice; list each once');
    if (Object.keys(props.alertEmails).length === 0) problems.push('alertEmails is empty: a budget nobody hears about guards nothing');
    throwIfProblems('ProjectBudget', this.node.path, problems);

    const project = props.project;
    const channels = new Construct(this, 'Channels');
    const channelIds = Object.keys(props.alertEmails)
      .sort()
      .map(
        (name) =>
          new MonitoringNotificationChannel(channels, name, {
            project: project.projectId,
            displayName: `Budget alerts: ${name}`,
            type: 'email',
            labels: { email_address: props.alertEmails[name] },
            userLabels: { ...props.labels },
            dependsOn: project.apis.services,
          }).id,
      );
    this.budget = new BillingBudget(this, 'Budget', {
      billingAccount: props.billingAccount,
      displayName: `${project.projectId} monthly`,
      budgetFilter: { projects: [`projects/${project.project.number}`], calendarPeriod: 'MONTH' },
      amount: { specifiedAmount: { units: String(props.monthlyAmount) } },
      thresholdRules: [...thresholds.map((thresholdPercent) => ({ thresholdPercent })), { thresholdPercent: 1.0, spendBasis: 'FORECASTED_SPEND' }],
      allUpdatesRule: { monitoringNotificationChannels: channelIds, disableDefaultIamRecipients: false },
    });
  }
}
