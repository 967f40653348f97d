/** Shape checks of the lifecycle actions in a saved plan (see saved-plan-parse.ts). */
import type { Checker } from './saved-plan-parse.js';

type Obj = Record<string, unknown>;

function declaredAt(c: Checker, v: unknown, path: string): void {
  if (v === null) return;
  const o = c.obj(v, path);
  c.str(o['file'], `${path}.file`);
  c.count(o['line'], `${path}.line`);
}

export function checkLifecycleAction(c: Checker, a: Obj, path: string): void {
  declaredAt(c, a['declaredAt'], `${path}.declaredAt`);
  switch (a['type']) {
    case 'disable':
      c.oneOf(a['why'], `${path}.why`, ['expired', 'declared-disabled'] as const);
      if (a['expires'] !== undefined) c.str(a['expires'], `${path}.expires`);
      if (a['graceDays'] !== undefined) c.count(a['graceDays'], `${path}.graceDays`);
      return;
    case 'enable':
      c.oneOf(a['why'], `${path}.why`, ['declared-enabled', 'no-longer-expired'] as const);
      if (a['disabledSince'] !== undefined) c.str(a['disabledSince'], `${path}.disabledSince`);
      return;
    case 'update-sponsors':
      c.arr(a['add'], `${path}.add`).forEach((s, i) => {
        const o = c.obj(s, `${path}.add[${i}]`);
        c.str(o['ref'], `${path}.add[${i}].ref`);
        c.str(o['id'], `${path}.add[${i}].id`);
      });
      c.strings(a['remove'], `${path}.remove`);
      return;
  }
}
