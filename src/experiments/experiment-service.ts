// Experiments (issue 6, seed 001 FR10; docs/adr/0011-experiment-statistics.md): defining one and
// moving it through its lifecycle (each change with its audit row, in one transaction), taking its
// events in batches, and computing its results. Routes and the backoffice only translate; every
// rule is here or in the pure statistics module.
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '@prisma/client';
import type pg from 'pg';
import type { AuditActor, AuditService } from '../audit/types.js';
import { pgExecutor } from '../audit/sql-executor.js';
import type { OperatorPrincipal } from '../auth/operator-auth.js';
import { inTransaction } from '../db/transaction-scope.js';
import { conflict, notFound, validationFailed } from '../http/errors.js';
import { parseEventBatch } from './event-batch.js';
import { ingestBatch } from './event-ingest.js';
import { createExperimentStore } from './experiment-store.js';
import { foldTallies, readTallies, FOLD_AFTER_ROWS } from './experiment-tallies.js';
import { EXPERIMENT_KEY, type DefineExperimentInput, type Experiment, type ExperimentStatus, type ExperimentView } from './experiment-types.js';
import { experimentView } from './experiment-view.js';
import { analyzeExperiment, type ExperimentAnalysis, type VariantAnalysis } from './statistics.js';
import type { FlagDefinitions } from './unleash-flag.js';
import type { FeatureGate } from '../flags/feature-gate.js';

// Where each status may go. A started experiment never returns to draft (its data would then mix
// two designs); a concluded one is final.
const NEXT: Record<ExperimentStatus, readonly ExperimentStatus[]> = {
  draft: ['draft', 'running', 'concluded'],
  running: ['running', 'paused', 'concluded'],
  paused: ['paused', 'running', 'concluded'],
  concluded: ['concluded'],
};

export type ExperimentResults = Omit<ExperimentAnalysis, 'variants'> & {
  experiment: ExperimentView;
  variants: (VariantAnalysis & { conversions: number; valueSum: number; conflicts: number })[];
  computedAt: string;
};

const snapshot = (e: Experiment) => ({
  key: e.key, name: e.name, description: e.description, status: e.status, alpha: e.alpha, minSamplePerVariant: e.minSamplePerVariant,
  srmAlpha: e.srmAlpha, variants: e.variants, startedAt: e.startedAt?.toISOString() ?? null, concludedAt: e.concludedAt?.toISOString() ?? null,
});

export function createExperimentService({ pool, prisma, audit, flags = null, gate, now = () => new Date() }: {
  pool: pg.Pool;
  prisma: PrismaClient;
  audit: AuditService;
  /** The in-process Unleash client (src/flags/unleash-client.ts); null where none runs. */
  flags?: FlagDefinitions | null;
  /** Kill switch `opsdeck.experiments-ingest` (src/flags/feature-gate.ts); absent, ingestion is never gated. */
  gate?: FeatureGate;
  now?: () => Date;
}) {
  const store = createExperimentStore({ prisma, pool });
  const viewOf = (experiment: Experiment) => experimentView(experiment, flags);
  // Batches ingested per experiment by this process since its tallies were last folded.
  const sinceFold = new Map<string, number>();

  async function find(key: string): Promise<Experiment> {
    const experiment = EXPERIMENT_KEY.test(key) ? await store.findByKey(key) : null;
    if (!experiment) throw notFound(`No experiment ${key}.`);
    return experiment;
  }

  /** Applies a PUT body to the stored experiment (or to nothing: a create), enforcing the lifecycle. */
  function applied(key: string, current: Experiment | null, body: DefineExperimentInput, at: Date): Experiment {
    if (!current && !body.variants) throw validationFailed('variants: a new experiment needs its variants (at least two, one of them the control)');
    const status = body.status ?? current?.status ?? 'draft';
    if (current) {
      if (!NEXT[current.status].includes(status)) throw conflict('invalid_transition', `A ${current.status} experiment cannot become ${status}.`);
      const { name: _n, description: _d, status: _s, ...analysis } = body;
      if (current.status === 'concluded' && Object.keys(analysis).length > 0) throw conflict('experiment_concluded', 'A concluded experiment keeps its design; only its name and description may change.');
      if (body.variants && current.status !== 'draft') throw conflict('experiment_started', 'Variants can only change while the experiment is a draft.');
    }
    return {
      id: current?.id ?? randomUUID(),
      key,
      name: body.name ?? current?.name ?? key,
      description: body.description !== undefined ? body.description : current?.description ?? null,
      status,
      alpha: body.alpha ?? current?.alpha ?? 0.05,
      minSamplePerVariant: body.minSamplePerVariant ?? current?.minSamplePerVariant ?? 1000,
      srmAlpha: body.srmAlpha ?? current?.srmAlpha ?? 0.001,
      variants: body.variants?.map((v) => ({ name: v.name, weight: v.weight ?? null, isControl: v.isControl })) ?? current!.variants,
      createdAt: current?.createdAt ?? at,
      updatedAt: at,
      startedAt: current?.startedAt ?? (status === 'running' ? at : null),
      concludedAt: current?.concludedAt ?? (status === 'concluded' ? at : null),
    };
  }

  return {
    list: async (query: { limit: number; cursor?: string; status?: ExperimentStatus }) => {
      const page = await store.list(query);
      return { items: page.items.map(viewOf), nextCursor: page.nextCursor };
    },

    get: async (key: string): Promise<ExperimentView> => viewOf(await find(key)),

    /** PUT /api/experiments/{key}: creates it, or changes what the body gives; audited with both snapshots. */
    async define({ key, body, operator }: { key: string; body: DefineExperimentInput; operator: Pick<OperatorPrincipal, 'id' | 'roles'> }): Promise<{ experiment: ExperimentView; isNew: boolean }> {
      if (!EXPERIMENT_KEY.test(key)) throw validationFailed('key: must be the Unleash flag name (1 to 100 letters, digits, ".", "_" or "-")');
      return inTransaction(pool, async (client) => {
        await store.lockKey(key);
        const current = await store.findByKey(key);
        const next = applied(key, current, body, now());
        const { id: _id, variants, createdAt: _c, ...fields } = next;
        const saved = current ? await store.update(current.id, fields, body.variants ? variants : undefined) : await store.create(next);
        await audit.append(pgExecutor(client), {
          actor: { operatorId: operator.id, roles: operator.roles },
          action: current ? 'experiment.update' : 'experiment.create',
          entityType: 'experiment',
          entityId: key,
          before: current ? snapshot(current) : null,
          after: snapshot(saved),
          outcome: 'succeeded',
        });
        return { experiment: viewOf(saved), isNew: !current };
      });
    },

    /** POST /api/experiments/{key}/events: a whole batch or nothing; replayed ids add nothing. */
    async ingest({ key, body, operator, actor }: {
      key: string;
      body: unknown;
      operator?: Pick<OperatorPrincipal, 'id' | 'roles'>;
      /** Who posts when it is no operator (a client app's API token: src/audit/external-actor.ts). */
      actor?: AuditActor;
    }): Promise<{ received: number; accepted: number; duplicates: number }> {
      // Switched off: refused before the batch is parsed (clients keep their events and retry).
      if (gate) {
        await gate.require('opsdeck.experiments-ingest', {
          actor: actor ?? { operatorId: operator?.id ?? null, roles: operator?.roles ?? [] }, entityType: 'experiment', entityId: key.slice(0, 200), what: 'Experiment event ingestion',
        });
      }
      const target = EXPERIMENT_KEY.test(key) ? await store.ingestTarget(key) : null;
      if (!target) throw notFound(`No experiment ${key}.`);
      // Paused still takes events: exposures made before the pause arrive after it.
      if (target.status === 'draft') throw conflict('experiment_not_running', `Experiment ${key} is a draft: start it (status running) before sending events.`);
      if (target.status === 'concluded') throw conflict('experiment_concluded', `Experiment ${key} is concluded: its results no longer change.`);
      const { events, received } = parseEventBatch(body, target.variants);
      const { accepted } = await ingestBatch(pool, target.id, events);
      const batches = (sinceFold.get(target.id) ?? 0) + 1;
      sinceFold.set(target.id, batches);
      if (batches * target.variants.length >= FOLD_AFTER_ROWS) {
        sinceFold.delete(target.id);
        await foldTallies(pool, target.id);
      }
      return { received, accepted, duplicates: received - accepted };
    },

    /** GET /api/experiments/{key}/results: the counts, the statistics and the winner rule's verdict. */
    async results(key: string): Promise<ExperimentResults> {
      const experiment = await find(key);
      const view = viewOf(experiment);
      const tallies = new Map((await readTallies(pool, experiment.id)).map((t) => [t.variant, t]));
      const tallyOf = (name: string) => tallies.get(name) ?? { exposed: 0, converted: 0, conversions: 0, valueSum: 0, conflicts: 0 };
      const analysis = analyzeExperiment(
        view.variants.map((v) => ({ name: v.name, isControl: v.isControl, weight: v.effectiveWeight, exposed: tallyOf(v.name).exposed, converted: tallyOf(v.name).converted })),
        { alpha: experiment.alpha, minSamplePerVariant: experiment.minSamplePerVariant, srmAlpha: experiment.srmAlpha },
      );
      return {
        ...analysis,
        experiment: view,
        variants: analysis.variants.map((v) => {
          const { conversions, valueSum, conflicts } = tallyOf(v.name);
          return { ...v, conversions, valueSum, conflicts };
        }),
        computedAt: now().toISOString(),
      };
    },
  };
}

export type ExperimentService = ReturnType<typeof createExperimentService>;
