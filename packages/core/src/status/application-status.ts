import type { ApplicationStatus } from '../resources/app.js';
import type { TaskGroupStatus } from '../resources/taskgroup.js';

/** What an application's status is computed from (spec/bcs-behaviour.md §2.3). */
export interface ApplicationStatusInput {
  /** `DefineInstances`: the instances the application should have. */
  readonly desired: number;
  /** Its taskgroups (a `TaskGroup` fits: `message` of a Pending one says why it is not placed). */
  readonly taskGroups: readonly { readonly status: TaskGroupStatus; readonly message?: string }[];
  /** An operation owns the application: the status is left alone (§2.3 "While Operating…"). */
  readonly operating: boolean;
  /** A rolling update owns it: the status is left alone as well. */
  readonly rolling?: boolean | undefined;
  readonly current: ApplicationStatus;
  /** Returned with `current` while operating or rolling (default `''`). */
  readonly currentMessage?: string | undefined;
  /** Why placement fails, for the "not enough resources" message; default: the first Pending taskgroup's message. */
  readonly pendingReason?: string | undefined;
}

/** An application status and the message that explains it. */
export interface ApplicationStatusResult {
  readonly status: ApplicationStatus;
  readonly message: string;
}

/** The counts the rules of {@link APPLICATION_STATUS_RULES} look at. */
export interface ApplicationStatusFacts {
  readonly desired: number;
  /** Taskgroups in total. */
  readonly total: number;
  /** Taskgroups that are placed (any status but `Pending`). */
  readonly placed: number;
  /** Taskgroups per status (absent = 0). */
  readonly count: Readonly<Partial<Record<TaskGroupStatus, number>>>;
  /** The first non-empty message per taskgroup status. */
  readonly firstMessage: Readonly<Partial<Record<TaskGroupStatus, string>>>;
  readonly pendingReason?: string;
}

/** One rule of {@link APPLICATION_STATUS_RULES}. */
export interface ApplicationStatusRule {
  /** The rule in words, as spec/bcs-behaviour.md §2.3 writes it. */
  readonly name: string;
  readonly status: ApplicationStatus;
  readonly when: (facts: ApplicationStatusFacts) => boolean;
  readonly message: (facts: ApplicationStatusFacts) => string;
}

/** The original's message when an application cannot get all its taskgroups placed (§2.3). */
export const NOT_ENOUGH_RESOURCES_MESSAGE = 'have not enough resources to launch application';

const n = (facts: ApplicationStatusFacts, status: TaskGroupStatus): number => facts.count[status] ?? 0;
const withDetail = (text: string, detail: string | undefined): string =>
  detail === undefined || detail === '' ? text : `${text}: ${detail}`;

/**
 * spec/bcs-behaviour.md §2.3 as an ordered list; the first rule whose `when` holds gives status and message.
 * The last rule always holds. Differences from the original:
 * - "not enough placed" counts placed (non-`Pending`) taskgroups, ours being created `Pending` before an
 *   offer fits, and its message names the first reason placement failed;
 * - "all Finish" needs at least one taskgroup, so an application scaled to 0 is `Running` (0 of 0).
 */
export const APPLICATION_STATUS_RULES: readonly ApplicationStatusRule[] = [
  {
    name: 'any Error → Error',
    status: 'Error',
    when: (f) => n(f, 'Error') > 0,
    message: (f) => withDetail(`${n(f, 'Error')} of ${f.total} taskgroups in Error`, f.firstMessage.Error),
  },
  {
    name: 'any Failed → Abnormal',
    status: 'Abnormal',
    when: (f) => n(f, 'Failed') > 0,
    message: (f) => withDetail(`${n(f, 'Failed')} of ${f.total} taskgroups Failed`, f.firstMessage.Failed),
  },
  {
    name: 'any Lost → Abnormal',
    status: 'Abnormal',
    when: (f) => n(f, 'Lost') > 0,
    message: (f) => withDetail(`${n(f, 'Lost')} of ${f.total} taskgroups Lost`, f.firstMessage.Lost),
  },
  {
    name: 'placed < desired → Abnormal',
    status: 'Abnormal',
    when: (f) => f.placed < f.desired,
    message: (f) => withDetail(NOT_ENOUGH_RESOURCES_MESSAGE, f.pendingReason),
  },
  {
    name: 'all Finish → Finish',
    status: 'Finish',
    when: (f) => f.total > 0 && n(f, 'Finish') === f.total,
    message: () => 'application is finished',
  },
  {
    name: 'any Staging/Starting → Deploying',
    status: 'Deploying',
    when: (f) => n(f, 'Staging') + n(f, 'Starting') > 0,
    message: () => 'application is deploying',
  },
  {
    name: 'Running + Restarting = desired → Running',
    status: 'Running',
    when: (f) => n(f, 'Running') + n(f, 'Restarting') === f.desired,
    message: () => 'application is running',
  },
  {
    name: 'otherwise → Abnormal',
    status: 'Abnormal',
    when: () => true,
    message: (f) => `application is abnormal: ${n(f, 'Running')} of ${f.desired} taskgroups Running`,
  },
];

/** The facts {@link APPLICATION_STATUS_RULES} decide on. */
export function applicationStatusFacts(input: ApplicationStatusInput): ApplicationStatusFacts {
  const count: Partial<Record<TaskGroupStatus, number>> = {};
  const firstMessage: Partial<Record<TaskGroupStatus, string>> = {};
  for (const { status, message } of input.taskGroups) {
    count[status] = (count[status] ?? 0) + 1;
    if (firstMessage[status] === undefined && message !== undefined && message !== '') {
      firstMessage[status] = message;
    }
  }
  const pendingReason = input.pendingReason ?? firstMessage.Pending;
  return {
    desired: input.desired,
    total: input.taskGroups.length,
    placed: input.taskGroups.length - (count.Pending ?? 0),
    count,
    firstMessage,
    ...(pendingReason === undefined ? {} : { pendingReason }),
  };
}

/**
 * An application's status and message (spec/bcs-behaviour.md §2.3). While `operating` or `rolling` the
 * status is left as `current` (with `currentMessage`); otherwise the first rule of
 * {@link APPLICATION_STATUS_RULES} decides.
 *
 * Examples (desired 2):
 * - `[Running, Running]` → Running "application is running";
 * - `[Running, Failed "exit 1"]` → Abnormal "1 of 2 taskgroups Failed: exit 1";
 * - `[Running, Pending "no offer fits: cpu"]` → Abnormal
 *   "have not enough resources to launch application: no offer fits: cpu";
 * - `[Running, Staging]` → Deploying; `[Finish, Finish]` → Finish;
 * - `[Running, Killed]` → Abnormal "application is abnormal: 1 of 2 taskgroups Running";
 * - anything with `operating: true, current: 'Operating'` → Operating.
 */
export function applicationStatusOf(input: ApplicationStatusInput): ApplicationStatusResult {
  if (input.operating || input.rolling === true) {
    return { status: input.current, message: input.currentMessage ?? '' };
  }
  return applicationStatusOfFacts(applicationStatusFacts(input));
}

/**
 * The status and message the first rule of {@link APPLICATION_STATUS_RULES} that holds for `facts` gives
 * (what {@link applicationStatusOf} does when not operating): for a caller that keeps the counts itself.
 */
export function applicationStatusOfFacts(facts: ApplicationStatusFacts): ApplicationStatusResult {
  const rule = APPLICATION_STATUS_RULES.find((r) => r.when(facts)) as ApplicationStatusRule;
  return { status: rule.status, message: rule.message(facts) };
}

/**
 * `RunningInstances`: how many taskgroups are `Running` (spec/bcs-behaviour.md §1.3, §2.3). `Restarting`
 * ones are not counted, as in the original (it moved the count only on entering and leaving Running).
 *
 * Example: `[Running, Restarting, Staging]` → 1.
 */
export function runningCount(taskGroups: readonly { readonly status: TaskGroupStatus }[]): number {
  return taskGroups.filter((tg) => tg.status === 'Running').length;
}
