import type { AlertTable } from '../alerts/alert.table.ts';
import type { AnalysisRequestTable } from '../analysis/analysis-request.table.ts';
import type { ExecutionTable, ProposalTable, SignatureTable, TrustScoreTable } from '../approval/proposal.table.ts';
import type { AuditOutboxTable, AuditTable } from '../audit/audit.table.ts';
import type { ChatMessageTable, ChatReceiptTable } from '../chat/chat-message.table.ts';
import type { IncidentAlertGroupTable, IncidentTable } from '../incidents/incident.table.ts';
import type { JobRunTable, JobWorkerTable } from '../jobs/job.table.ts';
import type { IncidentKnowledgeTable } from '../knowledge/incident-knowledge.table.ts';
import type { PagingActivationTable, PagingEscalationTable, PagingPageTable } from '../paging/paging.table.ts';
import type { FinOpsReportTable } from '../finops/finops-report.table.ts';

/** Every table kysely knows, one `*.table.ts` per feature. */
export interface DatabaseSchema {
  alerts: AlertTable;
  incidents: IncidentTable;
  incident_alert_groups: IncidentAlertGroupTable;
  analysis_requests: AnalysisRequestTable;
  incident_knowledge: IncidentKnowledgeTable;
  proposals: ProposalTable;
  signatures: SignatureTable;
  executions: ExecutionTable;
  trust_scores: TrustScoreTable;
  audit_log: AuditTable;
  audit_outbox: AuditOutboxTable;
  job_workers: JobWorkerTable;
  job_runs: JobRunTable;
  chat_messages: ChatMessageTable;
  chat_receipts: ChatReceiptTable;
  paging_escalations: PagingEscalationTable;
  paging_pages: PagingPageTable;
  paging_activation: PagingActivationTable;
  finops_reports: FinOpsReportTable;
}
