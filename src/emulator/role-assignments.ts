/**
 * `GET /roleManagement/directory/roleAssignments` (api-reference/v1.0/api/rbacapplication-list-roleassignments.md):
 * directory role assignments, `$filter` on principalId / roleDefinitionId / id (eq, and `in` on
 * principalId — a guess at the service's support), `$select`, `$top` and nextLink paging.
 */
import { PERMISSIONS, requireAny } from './auth.js';
import { metadata, type GraphResponse, type HandlerContext } from './context.js';
import { parseFilter, type FilterNode } from './filter.js';
import { badRequest, unsupportedQuery } from './graph-error.js';
import { nextLink, pageSize, startPosition, takePage } from './paging.js';
import type { RoleAssignment } from './tenant.js';

const PROPS = ['id', 'principalId', 'roleDefinitionId', 'directoryScopeId', 'appScopeId'] as const;
const FILTERABLE = new Map([['principalid', 'principalId'], ['roledefinitionid', 'roleDefinitionId'], ['id', 'id'], ['directoryscopeid', 'directoryScopeId']]);

function compile(node: FilterNode): (r: RoleAssignment) => boolean {
  switch (node.kind) {
    case 'and': {
      const l = compile(node.left);
      const r = compile(node.right);
      return (x) => l(x) && r(x);
    }
    case 'cmp': {
      const prop = FILTERABLE.get(node.prop.toLowerCase());
      if (!prop || node.op !== 'eq' || typeof node.value !== 'string') throw unsupportedQuery(`Unsupported filter on '${node.prop}'.`);
      const v = node.value.toLowerCase();
      return (x) => (x[prop as keyof RoleAssignment] as string).toLowerCase() === v;
    }
    case 'in': {
      const prop = FILTERABLE.get(node.prop.toLowerCase());
      if (!prop || node.values.some((v) => typeof v !== 'string')) throw unsupportedQuery(`Unsupported filter on '${node.prop}'.`);
      const set = new Set(node.values.map((v) => (v as string).toLowerCase()));
      return (x) => set.has((x[prop as keyof RoleAssignment] as string).toLowerCase());
    }
    default:
      throw unsupportedQuery('Unsupported filter on roleAssignments.');
  }
}

export function listRoleAssignments(ctx: HandlerContext): GraphResponse {
  requireAny(ctx.caller, PERMISSIONS.readRoles);
  ctx.query.allowOnly(['$filter', '$select', '$top', '$skiptoken']);
  const selectRaw = ctx.query.get('$select');
  let select: string[] | undefined;
  if (selectRaw !== undefined) {
    select = [];
    for (const name of selectRaw.split(',').map((s) => s.trim()).filter(Boolean)) {
      const p = PROPS.find((x) => x.toLowerCase() === name.toLowerCase());
      if (!p) throw badRequest(`Could not find a property named '${name}' on type 'microsoft.graph.unifiedRoleAssignment'.`);
      select.push(p);
    }
  }
  // Page size: the docs do not state one for this list; we use Graph's common 100 / max 999.
  const top = pageSize(ctx.query, 999, 100);
  const filterText = ctx.query.get('$filter');
  const test = filterText === undefined ? () => true : compile(parseFilter(filterText));
  const start = startPosition(ctx.query);
  // Role assignments are few even in large tenants: a scan per page is cheap.
  const items = ctx.tenant.roleAssignments.map((r, pos) => ({ pos, r }));
  const { page, nextPos } = takePage(items, start, top, (x) => test(x.r), true);
  const body: Record<string, unknown> = {
    '@odata.context': metadata(ctx, select ? `roleManagement/directory/roleAssignments(${select.join(',')})` : 'roleManagement/directory/roleAssignments'),
  };
  if (nextPos !== undefined) body['@odata.nextLink'] = nextLink(ctx, nextPos);
  body['value'] = page.map(({ r }) => {
    const full: Record<string, unknown> = { id: r.id, principalId: r.principalId, roleDefinitionId: r.roleDefinitionId, directoryScopeId: r.directoryScopeId, appScopeId: null };
    return select ? Object.fromEntries(select.map((p) => [p, full[p]])) : full;
  });
  return { status: 200, body };
}
