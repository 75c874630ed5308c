import { canonicalJson, sha256Hex } from '../domain/canonical-json.ts';
import type { DryRunResult, PlannedAction } from '../ports/cluster-port.ts';

/**
 * What a signature is bound to: the action, its target and parameters, and the state the dry-run saw.
 * Any change to one of them gives another hash, so signatures collected for the old plan do not carry over.
 */
export function planHash(planned: PlannedAction, dryRunState: DryRunResult['state']): string {
  // The version tag lets a future change of the hashed shape never collide with old hashes.
  return sha256Hex(
    canonicalJson({
      v: 1,
      action: planned.action,
      target: planned.target,
      params: planned.params,
      state: dryRunState,
    }),
  );
}
