// AdminJS hooks that keep what a response shows within the operator's permissions, applied to
// every action of every resource (src/admin/create-admin.ts):
// - after: related records (`populated`) of resources the operator may not read are reduced to
//   their id; personal data is masked for operators without pii.read, in records, related
//   records and record titles (an Order shows its buyer's email as the buyer's title);
// - before new/edit: personal-data fields are dropped from the payload of an operator without
//   pii.read, who only ever saw them masked (saving the form would write the masks back).
// Before-hooks run before AdminJS's access check: they only rewrite the request.
import type { ActionContext, ActionRequest, ActionResponse, After, Before, CurrentAdmin, RecordJSON } from 'adminjs';
import type { ResourceDefinition } from '../platform/plugin.js';
import { can } from '../rbac/access.js';
import { canSeePii, maskFields, maskPii } from '../rbac/masking.js';

type Principal = CurrentAdmin | undefined;

export function createRbacHooks({ resources }: { resources: ResourceDefinition[] }): { protectResponse: After<ActionResponse>; dropMaskedPayload: Before } {
  const byModel = new Map(resources.map((r) => [r.model, r]));

  // A related record the operator may not open says only which record it is.
  const opaque = (json: RecordJSON): RecordJSON => ({
    ...json,
    params: {},
    populated: {},
    title: String(json.id),
    recordActions: [],
    bulkActions: [],
  });

  function protect(json: RecordJSON, model: string, admin: Principal, context: ActionContext, isNested = false): RecordJSON {
    const definition = byModel.get(model);
    const decorated = context._admin.findResource(model).decorate();
    let { params, title } = json;
    if (!canSeePii(admin) && definition?.pii) {
      params = maskFields(params, definition.pii);
      const titleKind = definition.pii[decorated.titleProperty().name()];
      if (titleKind) title = String(maskPii(titleKind, title) ?? '');
    }
    const populated: RecordJSON['populated'] = {};
    if (!isNested) {
      for (const [key, related] of Object.entries(json.populated ?? {})) {
        if (!related) {
          populated[key] = related;
          continue;
        }
        const target = decorated.getPropertyByKey(key)?.reference()?.id();
        const targetDefinition = target ? byModel.get(target) : undefined;
        populated[key] =
          target && targetDefinition && can(admin, targetDefinition.access.read) ? protect(related, target, admin, context, true) : opaque(related);
      }
    }
    return { ...json, params, title, populated };
  }

  const protectResponse: After<ActionResponse> = (response, _request, context) => {
    const model = context.resource.id();
    const admin = context.currentAdmin;
    if (response.record) response.record = protect(response.record, model, admin, context);
    if (Array.isArray(response.records)) response.records = response.records.map((r: RecordJSON) => protect(r, model, admin, context));
    return response;
  };

  const dropMaskedPayload: Before = (request: ActionRequest, context) => {
    const pii = byModel.get(context.resource.id())?.pii;
    if (!pii || !request.payload || canSeePii(context.currentAdmin)) return request;
    const fields = Object.keys(pii);
    const payload = Object.fromEntries(
      Object.entries(request.payload).filter(([key]) => !fields.some((f) => key === f || key.startsWith(`${f}.`))),
    );
    return { ...request, payload };
  };

  return { protectResponse, dropMaskedPayload };
}
