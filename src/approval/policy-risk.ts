import { baseRiskOf, catalogEntry } from '../actions/action-catalog.ts';
import type { PlannedAction } from '../ports/cluster-port.ts';
import { risks, type Risk } from '../domain/risk.ts';

function higher(a: Risk, b: Risk): Risk {
  return risks.indexOf(a) >= risks.indexOf(b) ? a : b;
}

/**
 * Risk before trust: the catalog's, with the configured override for the action. An override replaces the
 * action's base risk, but parameter-dependent risk still only raises it (scaling to zero stays HIGH even
 * if scale_deployment is overridden down), and CRITICAL never moves.
 */
export function policyRisk(planned: PlannedAction, overrides: Readonly<Record<string, Risk>> = {}): Risk {
  const entry = catalogEntry(planned.action);
  const catalogRisk = baseRiskOf(planned);
  if (entry.baseRisk === 'CRITICAL' || catalogRisk === 'CRITICAL') return 'CRITICAL';
  const override = Object.hasOwn(overrides, planned.action) ? overrides[planned.action] : undefined;
  if (override === undefined) return catalogRisk;
  const raisedByParameters = catalogRisk !== entry.baseRisk;
  return raisedByParameters ? higher(override, catalogRisk) : override;
}

/**
 * The risk the parameters raise the action to (scale to 0 → HIGH), or undefined when they raise nothing. Trust
 * may lower a proposal's risk, but never below this.
 */
export function parameterRisk(planned: PlannedAction): Risk | undefined {
  const catalogRisk = baseRiskOf(planned);
  return catalogRisk === catalogEntry(planned.action).baseRisk ? undefined : catalogRisk;
}
