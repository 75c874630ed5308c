// Renders one IncidentCard (platform-neutral JSON from /console/cards) as DOM. All card text is hostile:
// it only ever reaches the page through el()'s text nodes, and only http(s) runbook links are kept.
import { ago, button, clock, el, list, safeHref, text, token } from './dom.js';

const outcomeStates = ['SUCCEEDED', 'FAILED', 'VOIDED', 'EXPIRED', 'REJECTED', 'SUPERSEDED'];
const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/**
 * view: { person (signed-in, or null), answer(proposalId) → this browser's click answer or undefined,
 *         busy(proposalId) → boolean, onClick(proposalId, decision) }
 */
export function renderCard(card, view) {
  const severity = token(card.severity) || 'warning';
  return el(
    'article',
    { class: `card sev-${severity} status-${token(card.status)}`, 'data-incident': text(card.incidentId) },
    el(
      'header',
      { class: 'card-head' },
      el('span', { class: `chip sev sev-chip-${severity}` }, severity.toUpperCase()),
      el('span', { class: 'number' }, `#${text(card.number)}`),
      el('h2', { class: 'title' }, text(card.title)),
      el('span', { class: `chip status-chip-${token(card.status)}` }, text(card.status).toUpperCase()),
      el('span', { class: 'muted when', title: text(card.openedAt) }, `opened ${clock(card.openedAt)} · ${ago(card.openedAt)}`),
      card.cluster &&
        el(
          'span',
          { class: 'chip cluster', 'data-testid': 'cluster', title: card.cluster.note === null ? '' : text(card.cluster.note) },
          `cluster ${text(card.cluster.name)}${card.cluster.note === null ? '' : ' (unknown label)'}`,
        ),
      card.mergedInto &&
        el(
          'a',
          { class: 'chip merged', 'data-testid': 'merged-into', href: `#incident-${encodeURIComponent(text(card.mergedInto.incidentId))}` },
          `merged into #${Number(card.mergedInto.number) || 0}`,
        ),
      list(card.absorbed).length > 0 &&
        el(
          'span',
          { class: 'chip absorbed', 'data-testid': 'absorbed' },
          `absorbed ${list(card.absorbed)
            .map((number) => `#${Number(number) || 0}`)
            .join(' ')}`,
        ),
      card.flapped &&
        el(
          'span',
          { class: 'chip flapped', 'data-testid': 'flapped', title: text(card.flapped.lastAt) },
          `flapped ${Number(card.flapped.count) || 0}× · last ${clock(card.flapped.lastAt)}`,
        ),
    ),
    list(card.services).length > 0 && el('div', { class: 'services mono' }, list(card.services).map(text).join(' · ')),
    el('div', { class: 'grid' }, rootCauseSection(card), impactSection(card), diagnosisSection(card)),
    proposalSection(card.proposal, view),
    pagingSection(card.paging, view),
    runbookSection(card),
  );
}

/** Who was paged, when, through what, and who acknowledged; an Acknowledge button while the escalation runs. */
function pagingSection(paging, view) {
  if (!paging) return null;
  const id = text(paging.escalationId);
  const state = token(paging.state);
  const answer = view.answer(id);
  const acknowledged = paging.acknowledged;
  const status =
    state === 'suppressed'
      ? `Not paged: ${text(paging.note)}`
      : acknowledged
        ? `Acknowledged by ${text(acknowledged.by)} via ${text(acknowledged.via)} at ${clock(acknowledged.at)}`
        : state === 'resolved'
          ? 'Ended: the incident closed'
          : paging.nextStepAt
            ? `Waiting for an acknowledgement; next step at ${clock(paging.nextStepAt)}`
            : 'Every step paged; waiting for an acknowledgement';
  return section(
    `Paging (${text(paging.policy)})`,
    `paging state-${state}`,
    el('p', { 'data-testid': 'paging-state' }, status),
    list(paging.pages).length > 0 &&
      el(
        'ul',
        { class: 'pages mono', 'data-testid': 'pages' },
        list(paging.pages).map((page) =>
          el(
            'li',
            { class: `page-${token(page.state)}` },
            `step ${text(page.step)}: ${text(page.personName)} via ${text(page.channel)}, ${text(page.state)} at ${clock(page.at)}${page.error ? ` (${text(page.error)})` : ''}`,
          ),
        ),
      ),
    state === 'active' &&
      view.person &&
      el(
        'div',
        { class: 'actions' },
        button('Acknowledge', 'btn btn-acknowledge', () => view.onClick(id, 'acknowledge'), { disabled: view.busy(id), 'data-action': 'acknowledge' }),
      ),
    answer && el('p', { class: answer.ok ? 'answer ok' : 'answer bad', role: 'status' }, text(answer.text)),
  );
}

function section(title, className, ...children) {
  return el('section', { class: `block ${className}` }, el('h3', {}, title), ...children);
}

/** Why there is no root cause to show: not analysed yet, nothing maps to the topology, or the analysis failed. */
function noRootCause(analysis) {
  const state = token(analysis?.state);
  const unmapped = list(analysis?.unmappedAlerts).map(text);
  if (state === 'pending' || !state) return el('p', { class: 'muted', 'data-testid': 'analysis-state' }, 'Analysing…');
  if (state === 'failed' && unmapped.length === 0) return el('p', { class: 'muted', 'data-testid': 'analysis-state' }, 'Unknown: the analysis failed.');
  return el(
    'p',
    { class: 'muted', 'data-testid': 'analysis-state' },
    `Unknown: no alert names a service of the topology${unmapped.length > 0 ? ` (${unmapped.join(', ')})` : ''}.`,
  );
}

function rootCauseSection(card) {
  const [first, ...others] = list(card.rootCauses);
  const failure =
    token(card.analysis?.state) === 'failed' && el('p', { class: 'analysis-failed', role: 'alert' }, `Analysis failed: ${text(card.analysis.failure)}`);
  if (!first) return section('Root cause', 'root-cause', failure, noRootCause(card.analysis));
  return section(
    'Root cause',
    'root-cause',
    failure,
    el(
      'p',
      { class: 'cause' },
      el('strong', { class: 'mono' }, text(first.service)),
      el('span', { class: 'muted' }, ` ${text(first.kind)}`),
      first.alerting && el('span', { class: 'chip chip-alerting' }, 'ALERTING'),
      el('span', { class: 'muted score' }, `score ${Number(first.score).toFixed(2)}`),
    ),
    list(first.evidence).length > 0 &&
      el(
        'ul',
        { class: 'evidence mono' },
        list(first.evidence).map((line) => el('li', {}, text(line))),
      ),
    others.length > 0 &&
      el(
        'p',
        { class: 'muted also' },
        'Also possible: ',
        others.map((other) => `${text(other.service)} (${text(other.kind)}, ${Number(other.score).toFixed(2)})`).join(', '),
      ),
  );
}

function impactSection(card) {
  const radius = list(card.blastRadius);
  const cost = card.cost;
  return section(
    'Impact',
    'impact',
    cost
      ? el(
          'div',
          { class: 'cost' },
          el('span', { class: 'cost-figure' }, `${money.format(Number(cost.monthlyAtStake) || 0)}/month`),
          el('span', { class: 'muted' }, ' at stake'),
        )
      : el('p', { class: 'muted' }, 'Cost at stake: unknown'),
    cost && el('p', { class: 'small' }, text(cost.text)),
    cost?.actionDelta && el('p', { class: 'small' }, text(cost.actionDelta)),
    el('h4', {}, 'Blast radius'),
    radius.length > 0
      ? el(
          'div',
          { class: 'chips' },
          radius.map((entry) =>
            el('span', { class: 'chip chip-radius mono', title: `depth ${text(entry.depth)}` }, `${text(entry.service)} ·${text(entry.depth)}`),
          ),
        )
      : el('p', { class: 'muted small' }, 'Nothing else depends on the alerting services.'),
  );
}

function diagnosisSection(card) {
  const diagnosis = card.diagnosis;
  // Past incidents like this one (the knowledge base), beside whatever the brain says.
  const history = card.history ? el('p', { class: 'small history' }, text(card.history.text)) : null;
  if (!diagnosis) return section('Diagnosis', 'diagnosis', el('p', { class: 'muted' }, 'Thinking…'), history);
  return section(
    'Diagnosis',
    'diagnosis',
    el('span', { class: 'chip chip-source', title: text(diagnosis.by || '') }, diagnosis.source === 'llm' ? 'LLM' : 'rules'),
    diagnosis.by ? el('span', { class: 'muted small' }, ` ${text(diagnosis.by)}`) : null,
    el('p', { class: 'diagnosis-text' }, text(diagnosis.text)),
    history,
  );
}

function proposalSection(proposal, view) {
  if (!proposal) return section('Proposal', 'proposal', el('p', { class: 'muted' }, 'No action proposed.'));
  const id = text(proposal.id);
  const proposalState = token(proposal.state).toUpperCase();
  const pending = proposalState === 'PENDING';
  const signatures = list(proposal.signatures);
  const answer = view.answer(id);
  const message = answer && answer.state === proposalState ? answer : null;
  const busy = view.busy(id);
  const me = view.person?.id;
  const signedByMe = signatures.some((signature) => signature.personId === me && signature.decision === 'approve');
  return section(
    'Proposal',
    `proposal state-${proposalState.toLowerCase()}`,
    el(
      'p',
      { class: 'proposal-line' },
      el('strong', {}, text(proposal.description)),
      el('span', { class: `chip risk risk-${token(proposal.risk)}` }, `${text(proposal.risk)} risk`),
      proposal.baseRisk && proposal.baseRisk !== proposal.risk && el('span', { class: 'muted small' }, `(catalog: ${text(proposal.baseRisk)})`),
      el('span', { class: `chip state state-chip-${proposalState.toLowerCase()}`, 'data-testid': 'proposal-state' }, proposalState),
    ),
    proposal.reason && el('p', { class: 'small' }, text(proposal.reason)),
    proposal.riskReason && el('p', { class: 'small risk-reason' }, text(proposal.riskReason)),
    list(proposal.dryRun?.findings).length > 0 &&
      el(
        'ul',
        { class: 'findings mono' },
        list(proposal.dryRun.findings).map((finding) => {
          const kind = !finding.ok ? 'bad' : finding.warning ? 'warn' : 'ok';
          const mark = { bad: '✗', warn: '⚠', ok: '✓' }[kind];
          return el('li', { class: kind, 'data-finding': kind }, `${mark} ${text(finding.check)}: ${text(finding.message)}`);
        }),
      ),
    el(
      'dl',
      { class: 'signing' },
      el('dt', {}, 'Needs'),
      el(
        'dd',
        {},
        Number(proposal.requiredSignatures) > 0
          ? `${text(proposal.requiredSignatures)} ${Number(proposal.requiredSignatures) === 1 ? 'signature' : 'signatures'} from ${text(proposal.signersText)}`
          : text(proposal.signersText) || 'no signature',
      ),
      el('dt', {}, 'Signed'),
      el(
        'dd',
        { 'data-testid': 'signatures' },
        signatures.length > 0
          ? el(
              'ul',
              { class: 'signatures' },
              signatures.map((signature) =>
                el(
                  'li',
                  { class: `sig-${token(signature.decision)}` },
                  `${signature.decision === 'reject' ? '✗ rejected' : '✓ approved'} by ${text(signature.personName)} (${list(signature.roles).join(', ')}) via ${text(signature.platform)} at ${clock(signature.at)}`,
                ),
              ),
            )
          : el('span', { class: 'muted' }, 'nobody yet'),
      ),
      proposal.missing && el('dt', {}, 'Missing'),
      proposal.missing && el('dd', { class: 'missing' }, text(proposal.missing)),
      (pending || proposalState === 'APPROVED') && el('dt', {}, 'Expires'),
      (pending || proposalState === 'APPROVED') && el('dd', { class: 'muted' }, `${clock(proposal.expiresAt)} (${ago(proposal.expiresAt)})`),
    ),
    pending &&
      view.person &&
      el(
        'div',
        { class: 'actions' },
        signedByMe
          ? el('button', { type: 'button', class: 'btn btn-approve', disabled: true, title: 'Your signature is counted' }, 'You approved ✓')
          : button('Approve', 'btn btn-approve', () => view.onClick(id, 'approve'), { disabled: busy, 'data-action': 'approve' }),
        button('Reject', 'btn btn-reject', () => view.onClick(id, 'reject'), { disabled: busy, 'data-action': 'reject' }),
      ),
    pending && !view.person && el('p', { class: 'muted small' }, 'Sign in to approve or reject.'),
    message && el('p', { class: `click-result ${message.ok ? 'ok' : 'bad'}`, role: 'status' }, message.text),
    (outcomeStates.includes(proposalState) || proposal.outcome) &&
      el(
        'div',
        { class: `outcome outcome-${proposalState.toLowerCase()}`, 'data-testid': 'outcome' },
        el('strong', {}, proposalState),
        proposal.outcome ? ` — ${text(proposal.outcome)}` : '',
      ),
  );
}

function runbookSection(card) {
  const links = list(card.runbooks).map(safeHref).filter(Boolean);
  if (links.length === 0) return null;
  return el(
    'footer',
    { class: 'runbooks' },
    'Runbooks: ',
    links.map((href) => el('a', { href, rel: 'noopener noreferrer', target: '_blank', class: 'mono' }, href)),
  );
}
