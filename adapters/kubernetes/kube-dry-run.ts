import { validatePlannedAction } from '../../src/actions/action-catalog.ts';
import type { DryRunFinding, DryRunResult, PlannedAction } from '../../src/ports/cluster-port.ts';
import { reviewAccess } from './access-review.ts';
import type { ArgoCdClient } from './argocd-client.ts';
import { argoFindings, writeArgoRollback } from './argocd-rollback.ts';
import { gitOpsFinding, gitOpsOwner } from './gitops-owner.ts';
import type { KubeApis } from './kube-connection.ts';
import type { NamespaceScope } from './namespace-scope.ts';
import { fingerprintOf, observeTarget } from './observe-target.ts';
import { targetFindings } from './target-findings.ts';
import { writeAction } from './write-action.ts';

function where(planned: PlannedAction): string {
  const { namespace, name } = planned.target;
  return namespace === undefined ? name : `${namespace}/${name}`;
}

function refused(findings: DryRunFinding[]): DryRunResult {
  const state = {};
  return { ok: false, findings, state, fingerprint: fingerprintOf(state) };
}

/**
 * Every check of DESIGN.md §2 against the API server: parameters, the namespace scope (before any call), the bot's
 * own permissions (SelfSubjectAccessReview), existence, PDB headroom and blast radius, GitOps ownership, and the
 * write itself sent with `dryRun=All`. Persists nothing.
 */
export async function kubeDryRun(
  apis: KubeApis,
  scope: NamespaceScope,
  input: PlannedAction,
  signal: AbortSignal,
  now: Date,
  argocd?: ArgoCdClient,
): Promise<DryRunResult> {
  const validated = validatePlannedAction(input);
  if (!validated.ok) return refused([{ check: 'parameters', ok: false, message: validated.error.message }]);
  const planned = validated.action;
  const parameters: DryRunFinding = { check: 'parameters', ok: true, message: 'action, target and parameters valid' };
  const outside = scope.refusal(planned.target);
  if (outside !== null) return refused([parameters, { check: 'scope', ok: false, message: outside }]);

  const [rbac, observed] = await Promise.all([reviewAccess(apis, planned, signal), observeTarget(apis, planned, signal, argocd)]);
  const findings: DryRunFinding[] = [parameters, rbac];
  if (!observed.ok) {
    const closed = observed.failure.status === 403 || observed.failure.status === 401;
    findings.push({
      check: closed ? 'rbac' : 'existence',
      ok: false,
      message: `could not read ${planned.target.kind} ${where(planned)}: ${observed.failure.message}`,
    });
    return refused(findings);
  }
  const { found, state, fingerprint, rollback, argo } = observed.observation;
  if (found === null) {
    findings.push({ check: 'existence', ok: false, message: `${planned.target.kind} ${where(planned)} not found` });
    return { ok: false, findings, state, fingerprint };
  }
  findings.push({ check: 'existence', ok: true, message: `${planned.target.kind} ${where(planned)} exists (uid ${found.object.metadata?.uid ?? '?'})` });
  if (found.object.metadata?.deletionTimestamp !== undefined) {
    findings.push({ check: 'existence', ok: false, message: `${planned.target.kind} ${where(planned)} is already being deleted` });
  }
  findings.push(...(await targetFindings(apis, planned, found, signal)));
  const owner = found.kind === 'Pod' ? null : gitOpsOwner(found.object.metadata ?? {});
  // A rollback through Argo CD is no direct change: nothing for Argo CD to revert.
  if (owner !== null && typeof observed.observation.argo !== 'object') findings.push(gitOpsFinding(owner));

  if (typeof argo === 'object') findings.push(...argoFindings(argo));
  if (typeof rollback === 'string' || typeof argo === 'string') {
    findings.push({ check: 'server_dry_run', ok: false, message: String(rollback ?? argo) });
  } else if (typeof argo === 'object' && found.kind === 'Deployment' && argocd !== undefined) {
    if (findings.every((finding) => finding.ok)) {
      const written = await writeArgoRollback(apis, argocd, found.object, argo, { executionId: 'dry-run', dryRun: true, signal });
      findings.push(
        written.ok
          ? { check: 'server_dry_run', ok: true, message: `dry-runs accepted (dryRun=All, Argo CD dryRun): ${written.message}` }
          : { check: 'server_dry_run', ok: false, message: `dry-run refused: ${written.error.message}` },
      );
    }
  } else if (findings.every((finding) => finding.ok)) {
    const written = await writeAction(apis, planned, found, rollback, { executionId: 'dry-run', dryRun: true, signal, now });
    findings.push(
      written.ok
        ? { check: 'server_dry_run', ok: true, message: `dryRun=All accepted: ${written.message}` }
        : { check: 'server_dry_run', ok: false, message: `dryRun=All refused: ${written.error.message}` },
    );
  }
  return { ok: findings.every((finding) => finding.ok), findings, state, fingerprint };
}
