// Four eyes for feature flags (Unleash open source has no change requests; docs/adr/0013): a flag
// change is an ordinary runner action on target type `flag` (id = the Unleash flag name) that ALWAYS
// goes to a second person holding `flag.change`. Submitting checks the change against the flag as
// Unleash has it (422, nothing stored); the approval executes it: the flag is read again, a
// write-ahead audit row names the change, Unleash applies it through the Admin API, and the run's
// audit row carries the before and after as Unleash answered with the requester and the approver.
// Unleash refusing or unreachable fails the run (rolled back, nothing audited as applied) and the
// run can be retried from Runs & exceptions; it stays approved.
import { defineAction, type ActionContext, type ActionPlatform } from '../actions/define-action.js';
import { AppError } from '../http/errors.js';
import { flagChangeInput, planFlagChange, viewAfter, viewOf, type FlagChangeInput, type FlagChangePlan } from './flag-change.js';
import type { UnleashAdmin, UnleashFlag, UnleashStrategy } from './unleash-admin.js';

export const FLAG_CHANGE_ACTION = 'flag.change';
export const FLAG_ENTITY = 'flag';

const unleashNotConfigured = () =>
  new AppError({ status: 503, code: 'unleash_not_configured', title: 'Unleash not configured', detail: 'This opsdeck has no Unleash Admin API to change flags through.' });

function unleashOf(platform: ActionPlatform): UnleashAdmin {
  if (!platform.unleash) throw unleashNotConfigured();
  return platform.unleash;
}

/** Who asked and who approved: both go on the audit row of the applied change. */
async function peopleOf(ctx: ActionContext<FlagChangeInput>) {
  if (!ctx.approvalId) return { approvalId: null, requestedBy: ctx.actor.operatorId, approvedBy: [] as number[] };
  const [row] = await ctx.sql<{ requested_by: number; approved_by: number[] }>`
    SELECT r.requested_by, coalesce(array_agg(d.operator_id ORDER BY d.decided_at) FILTER (WHERE d.decision = 'approve'), '{}') AS approved_by
    FROM approval_requests r LEFT JOIN approval_decisions d ON d.approval_id = r.id
    WHERE r.id = ${ctx.approvalId}::uuid GROUP BY r.requested_by`;
  return { approvalId: ctx.approvalId, requestedBy: row?.requested_by ?? ctx.actor.operatorId, approvedBy: row?.approved_by ?? [] };
}

async function apply(unleash: UnleashAdmin, key: string, plan: FlagChangePlan): Promise<UnleashStrategy | null> {
  if (plan.call === 'setEnabled') {
    await unleash.setEnabled(key, plan.environment, plan.enabled);
    return null;
  }
  return unleash.updateStrategy(key, plan.environment, plan.strategy);
}

/** The flag after the change as Unleash reads it back; if that read fails, as Unleash answered the change. */
async function readBack(unleash: UnleashAdmin, key: string, before: UnleashFlag, plan: FlagChangePlan, stored: UnleashStrategy | null) {
  const again = await unleash.readFlag(key).catch(() => null);
  return again ? viewOf(again, plan.environment) : viewAfter(before, plan, stored);
}

export const flagChangeAction = defineAction({
  id: FLAG_CHANGE_ACTION,
  title: 'Change feature flag',
  description: 'Enable or disable a flag in an Unleash environment, set its rollout percentage or its variant weights. '
    + 'Always needs a second person\'s approval; applied to Unleash once approved.',
  permission: 'flag.change',
  target: FLAG_ENTITY,
  input: flagChangeInput,
  reasonCodes: ['planned_release', 'gradual_rollout', 'experiment_winner', 'incident_mitigation', 'rollback'],
  policy: { approval: { approvals: 1, approverPermission: 'flag.change' } },

  async validate({ input, target, platform }) {
    planFlagChange(target.id, await unleashOf(platform).readFlag(target.id), input);
  },

  // Nothing to lock at submission; the change is read and checked again when it runs.
  load: async () => ({}),

  async run(ctx) {
    const key = ctx.target.id;
    const unleash = unleashOf(ctx.platform);
    // Two approved changes of one flag apply one after the other: each one's "before" is the other's "after".
    await ctx.sql`SELECT pg_advisory_xact_lock(hashtextextended(${`flag:${key}`}, 0))`;
    const people = await peopleOf(ctx);
    const flag = await unleash.readFlag(key);
    const plan = planFlagChange(key, flag, ctx.input);
    const before = viewOf(flag!, plan.environment);
    const change = { ...ctx.input };
    await ctx.writeAhead({ phase: 'applying_to_unleash', change, before, ...people });
    const stored = await apply(unleash, key, plan);
    const after = await readBack(unleash, key, flag!, plan, stored);
    ctx.changed({ entityType: FLAG_ENTITY, entityId: key, before: { ...before }, after: { ...after, change, ...people } });
    ctx.emit({ name: 'FlagChanged', entityType: FLAG_ENTITY, entityId: key, payload: { change, before, after, ...people } });
    return { flag: key, change, before, after, ...people };
  },
});
