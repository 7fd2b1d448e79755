// Facts and rules of Pub/Sub, in one place (catalog and PubSub construct).

export const PUBSUB_DEFAULTS = {
  retentionDays: 7,
  ackDeadlineSeconds: 30,
  maxDeliveryAttempts: 10,
  minBackoffSeconds: 10,
  maxBackoffSeconds: 600,
};

/** Topic and subscription ids: 3-255 characters, starting with a letter, not "goog". */
export const PUBSUB_NAME = /^[a-z][a-z0-9-]{2,62}$/;

/** `<service>/<topic>`: a topic of another service. */
export const FOREIGN_TOPIC = /^([a-z][a-z0-9-]*[a-z0-9])\/([a-z][a-z0-9-]{2,62})$/;

const DAY_SECONDS = 24 * 60 * 60;

/** Terraform's duration form. */
export function seconds(value: number): string {
  return `${value}s`;
}

export function days(value: number): string {
  return seconds(value * DAY_SECONDS);
}

/** What Pub/Sub refuses in one subscription's delivery settings. */
export function deliveryProblems(s: { ackDeadlineSeconds: number; maxDeliveryAttempts: number; minBackoffSeconds: number; maxBackoffSeconds: number; retentionDays: number }): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  if (s.ackDeadlineSeconds < 10 || s.ackDeadlineSeconds > 600) problems.push({ field: 'ackDeadlineSeconds', message: `${s.ackDeadlineSeconds} is outside 10-600 seconds (e.g. 30)` });
  if (s.maxDeliveryAttempts < 5 || s.maxDeliveryAttempts > 100) problems.push({ field: 'maxDeliveryAttempts', message: `${s.maxDeliveryAttempts} is outside 5-100 (e.g. 10)` });
  if (s.minBackoffSeconds > s.maxBackoffSeconds) problems.push({ field: 'minBackoffSeconds', message: `${s.minBackoffSeconds} is above maxBackoffSeconds ${s.maxBackoffSeconds}; the first retry must wait no longer than the last` });
  if (s.maxBackoffSeconds > 600) problems.push({ field: 'maxBackoffSeconds', message: `${s.maxBackoffSeconds} is above 600 seconds (e.g. 600)` });
  if (s.retentionDays < 1 || s.retentionDays > 7) problems.push({ field: 'retentionDays', message: `${s.retentionDays} days is outside 1-7 for a subscription (e.g. 7)` });
  return problems;
}
