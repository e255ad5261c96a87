// SIMULATED task service: where the Action Center's internal tasks would be created in an outside
// tool (a helpdesk, a project tracker). opsdeck has no such integration; this adapter stands in for
// it behind one function, like the marketplace's simulated carrier. It keys each task by the run
// that creates it (an outside system told twice about one run creates one task), and it can be
// put in an outage (`setTaskServiceOutage`), which is how tests and demos force the failure path:
// the action then fails with reason code `task_service_unavailable` and its run is retried.
import { randomUUID } from 'node:crypto';

const created = new Map<string, string>();
let outage: { remaining: number; reason: string } | null = null;

export class TaskServiceUnavailable extends Error {}

/** The next `failures` calls fail (an outage); 0 ends it. */
export function setTaskServiceOutage({ failures, reason = 'task service timed out' }: { failures: number; reason?: string }): void {
  outage = failures > 0 ? { remaining: failures, reason } : null;
}

/** Creates the task in the outside system; returns its reference. */
export async function createExternalTask({ runId }: { runId: string; ticketId: number; title: string }): Promise<string> {
  if (outage) {
    outage.remaining -= 1;
    const { reason } = outage;
    if (outage.remaining <= 0) outage = null;
    throw new TaskServiceUnavailable(reason);
  }
  const existing = created.get(runId);
  if (existing) return existing;
  const ref = `TASK-${randomUUID().slice(0, 8).toUpperCase()}`;
  created.set(runId, ref);
  return ref;
}
