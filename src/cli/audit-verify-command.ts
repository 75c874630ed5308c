import type { Kysely } from 'kysely';
import { verifyAuditChain } from '../audit/verify-audit-chain.ts';
import type { DatabaseSchema } from '../storage/database-schema.ts';

/** `awoooi audit verify`: exit 0 when the hash chain is intact, 1 naming the first broken entry. */
export async function auditVerifyCommand(db: Kysely<DatabaseSchema>, output: NodeJS.WritableStream, errors: NodeJS.WritableStream): Promise<number> {
  const report = await verifyAuditChain(db);
  if (report.ok) {
    output.write(`audit log intact: ${report.entries} entries, hash chain verified\n`);
    return 0;
  }
  errors.write(
    `audit log BROKEN at entry ${report.firstBroken.sequence}: ${report.firstBroken.reason}\n` +
      `  ${report.entries} entries before it are intact; everything from entry ${report.firstBroken.sequence} on is unverified\n`,
  );
  return 1;
}
