// case.open: opens a support case about one or more entities of any type the pack knows (the
// target, plus `links`). The first-response SLA is due 24 business hours later on the support
// calendar (support/support-settings.ts). The case's single links (order, organization, customer
// user) mirror its first link of each of those types; every link is a row of support_case_links.
import type { SupportCase } from '@prisma/client';
import { z } from 'zod/v4';
import { defineAction } from '../../../src/actions/define-action.js';
import { validationFailed } from '../../../src/http/errors.js';
import { addBusinessHours } from '../support/business-calendar.js';
import { caseColumns, checkLinks, linkableTarget, LINKABLE_TYPES, uniqueLinks, type CaseLink } from '../support/case-store.js';
import { supportSettings } from '../support/support-settings.js';
import { withSqlText } from './sql-rows.js';

const link = z.strictObject({ type: z.enum(LINKABLE_TYPES as [string, ...string[]]), id: z.string().min(1).max(64) });
/**
 * Links as a list of { type, id }, or as the backoffice form's text: `shipment:34, payment:5`
 * (a piece without a colon fails validation as a link without an id).
 */
const links = z.preprocess(
  (value) => (typeof value === 'string'
    ? value.split(/[\s,]+/).filter(Boolean).map((piece) => {
      const [type, id = ''] = piece.split(':');
      return { type, id };
    })
    : value),
  z.array(link).max(20),
).optional().describe(`Other records the case is about, as type:id (${LINKABLE_TYPES.join(', ')}), e.g. shipment:34, payment:5`);

export const caseOpenAction = defineAction({
  id: 'case.open',
  title: 'Open support case',
  description: 'Open a support case about this record and, optionally, other linked records; the first response is due in 24 business hours.',
  permission: 'support_case.write',
  target: LINKABLE_TYPES,
  input: z.strictObject({
    subject: z.string().trim().min(1).max(300),
    priority: z.enum(['low', 'normal', 'high', 'urgent']).default('normal'),
    assigneeOperatorId: z.number().int().positive().optional(),
    links,
  }),
  reasonCodes: ['buyer_contact', 'seller_contact', 'internal_finding', 'escalation'],

  load: async ({ sql, target, input }) => {
    const links = uniqueLinks([linkableTarget(target), ...((input.links ?? []) as CaseLink[])]);
    const [assignee] = await Promise.all([
      input.assigneeOperatorId === undefined ? Promise.resolve([{ id: null }]) : sql<{ id: number }>`
        SELECT id FROM operators WHERE id = ${input.assigneeOperatorId} AND status = 'active'`,
      checkLinks(sql, links),
    ]);
    if (assignee.length === 0) throw validationFailed(`No active operator ${input.assigneeOperatorId} to assign the case to.`, { field: 'input.assigneeOperatorId' });
    return { links };
  },

  run: async (ctx) => {
    const { links } = ctx.state;
    const { input, now } = ctx;
    const settings = supportSettings(ctx.platform.config);
    const due = addBusinessHours(now, settings.firstResponseHours, settings.calendar);
    const first = (type: string) => {
      const found = links.find((l) => l.type === type);
      return found ? Number(found.id) : null;
    };
    const [created] = await withSqlText(ctx.sql)<SupportCase>`
      INSERT INTO support_cases (subject, status, priority, assignee_operator_id, order_id, organization_id, customer_user_id,
        sla_first_response_due_at, created_at, updated_at)
      VALUES (${input.subject}, 'open', ${input.priority}::"SupportCasePriority", ${input.assigneeOperatorId ?? null}::int, ${first('order')}::int,
        ${first('organization')}::int, ${first('customer_user')}::int, ${due}::timestamptz, ${now}::timestamptz, ${now}::timestamptz)
      RETURNING ${caseColumns()}`;
    ctx.send`
      INSERT INTO support_case_links (case_id, entity_type, entity_id, created_at)
      SELECT ${created.id}::int, t.type, t.id, ${now}::timestamptz FROM unnest(${links.map((l) => l.type)}::text[], ${links.map((l) => l.id)}::text[]) AS t(type, id)`;
    const caseId = String(created.id);
    ctx.changed({ entityType: 'support_case', entityId: caseId, before: null, after: { ...created, links } });
    ctx.emit({ name: 'SupportCaseOpened', entityType: 'support_case', entityId: caseId, payload: { caseId: created.id, subject: created.subject, links } });
    // On each linked record's timeline too.
    for (const l of links) ctx.emit({ name: 'SupportCaseOpened', entityType: l.type, entityId: l.id, payload: { caseId: created.id, subject: created.subject } });
    return { caseId: created.id, status: created.status, priority: created.priority, slaFirstResponseDueAt: due.toISOString(), links };
  },
});
