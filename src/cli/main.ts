// The cluster, model and MCP clients load only for the commands that use them (serve, demo, cluster, topology):
// `redact` and the other small commands stay light.
import { Command, CommanderError } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { loadConfig } from '../config/load-config.ts';
import type { Config } from '../config/config-schema.ts';
import { analyzeCommand } from './analyze-command.ts';
import { auditVerifyCommand } from './audit-verify-command.ts';
import { configCheckCommand } from './config-check-command.ts';
import { createLogger } from './create-logger.ts';
import { hashPasswordCommand } from './hash-password-command.ts';
import { migrateCommand } from './migrate-command.ts';
import { redactCommand } from './redact-command.ts';
import { openDatabase } from '../storage/open-database.ts';
import { migrateToLatest } from '../storage/migrate.ts';

/** Loads the configuration or reports every problem and exits 2. */
function configOrExit(): Config {
  const result = loadConfig();
  if (result.ok) return result.config;
  process.stderr.write(`awoooi: configuration has ${result.errors.length} problem(s):\n${result.errors.map((error) => `  - ${error}\n`).join('')}`);
  process.exit(2);
}

const program = new Command('awoooi')
  .description('ChatOps for on-call engineers: alerts in, one card out, multi-signature approved remediation.')
  .version(packageJson.version, '-V, --version', 'print the version and exit')
  .exitOverride()
  .showHelpAfterError();

program
  .command('serve', { isDefault: true })
  .description('run the bot')
  .action(async () => {
    const config = configOrExit();
    const { serveCommand } = await import('./serve-command.ts');
    process.exitCode = await serveCommand(config, createLogger(config.server.logLevel));
  });

program
  .command('migrate')
  .description('apply database migrations and exit')
  .action(async () => {
    const config = configOrExit();
    process.exitCode = await migrateCommand(config);
  });

program
  .command('analyze')
  .description('offline analysis of an Alertmanager payload: incidents, root causes, blast radius')
  .requiredOption('--alerts <file>', 'Alertmanager v4 payload, or a JSON list of them')
  .requiredOption('--topology <file>', 'topology YAML')
  .option('--json', 'machine-readable output', false)
  .action(async (options: { alerts: string; topology: string; json: boolean }) => {
    process.exitCode = await analyzeCommand(configOrExit(), options, process.stdout, process.stderr);
  });

program
  .command('redact')
  .description('pseudonymize stdin to stdout line by line ([IP_1], [EMAIL_1], [TOKEN_1] …), one vault for the run')
  .option('--json', 'print the entities found per line (type, label, start, end) as JSON lines instead of the text', false)
  .action(async (options: { json: boolean }) => {
    process.exitCode = await redactCommand(process.stdin, process.stdout, options);
  });

program
  .command('config')
  .description('configuration tools')
  .command('check')
  .description('validate configuration, list every problem')
  .action(async () => {
    process.exitCode = await configCheckCommand(process.stdout, process.stderr);
  });

program
  .command('cluster')
  .description('cluster tools')
  .command('check')
  .description('per catalog action: may the bot run it (SelfSubjectAccessReview), and in which namespaces')
  .option('--json', 'machine-readable output', false)
  .action(async (options: { json: boolean }) => {
    const { clusterCheckCommand } = await import('./cluster-check-command.ts');
    process.exitCode = await clusterCheckCommand(configOrExit(), options, process.stdout, process.stderr);
  });

program
  .command('topology')
  .description('topology tools')
  .requiredOption('--discover', 'print the services and dependencies found in the cluster as topology YAML')
  .action(async () => {
    const { topologyCommand } = await import('./topology-command.ts');
    process.exitCode = await topologyCommand(configOrExit(), process.stdout, process.stderr);
  });

program
  .command('finops')
  .description('FinOps tools')
  .command('scan')
  .description('what the cluster wastes: orphaned claims, released volumes, zombies, over-provisioning; monthly and annual')
  .option('--json', 'machine-readable output', false)
  .action(async (options: { json: boolean }) => {
    const { finopsScanCommand } = await import('./finops-scan-command.ts');
    process.exitCode = await finopsScanCommand(configOrExit(), options, process.stdout, process.stderr);
  });

program
  .command('demo')
  .description('tracer bullet: fire a demo alert through the whole loop on embedded defaults, print each step PASS/FAIL')
  .option('--slack', 'through a simulated Slack on this machine: the card posted, two signed button clicks, the card edited in place')
  .action(async (options: { slack?: boolean }) => {
    if (options.slack) {
      const { demoSlackCommand } = await import('./demo-slack-command.ts');
      process.exitCode = await demoSlackCommand(process.stdout);
      return;
    }
    const { demoCommand } = await import('./demo-command.ts');
    process.exitCode = await demoCommand(process.stdout);
  });

program
  .command('discord')
  .description('Discord tools')
  .command('register-commands')
  .description('register /awoooi as the Discord application command (bulk overwrite; run again after an upgrade)')
  .action(async () => {
    const { discordRegisterCommand } = await import('./discord-register-command.ts');
    process.exitCode = await discordRegisterCommand(configOrExit(), process.stdout, process.stderr);
  });

program
  .command('oncall')
  .description('who is on call now (or at --at) and who is next, per schedule')
  .option('--at <time>', 'an ISO 8601 time instead of now, e.g. 2026-12-24T18:00:00+01:00')
  .option('--json', 'print JSON')
  .action(async (options: { at?: string; json?: boolean }) => {
    const { oncallCommand } = await import('./oncall-command.ts');
    process.exitCode = oncallCommand(configOrExit(), options, process.stdout, process.stderr);
  });

program
  .command('audit')
  .description('audit log tools')
  .command('verify')
  .description("check the audit log's hash chain, name the first broken entry")
  .action(async () => {
    const config = configOrExit();
    const database = await openDatabase({ databaseUrl: config.storage.databaseUrl, dataDir: config.storage.dataDir, purpose: 'audit verify' });
    try {
      const migrated = await migrateToLatest(database.db);
      process.exitCode = migrated.ok ? await auditVerifyCommand(database.db, process.stdout, process.stderr) : 1;
    } finally {
      await database.close();
    }
  });

program
  .command('hash-password')
  .description('print a password hash for approvals.people[].password (asks without echo, or reads one line from stdin)')
  .action(async () => {
    process.exitCode = await hashPasswordCommand(process.stdin, process.stdout, process.stderr);
  });

/**
 * `serve` is the default verb, so commander would read an unknown verb as an argument of serve ("too many
 * arguments for 'serve'"). A first word that names no verb is an unknown command, said as such.
 */
function unknownVerb(argv: readonly string[]): string | undefined {
  const first = argv[2];
  if (first === undefined || first.startsWith('-')) return undefined;
  const known = program.commands.flatMap((command) => [command.name(), ...command.aliases()]);
  return known.includes(first) || first === 'help' ? undefined : first;
}

try {
  const unknown = unknownVerb(process.argv);
  if (unknown !== undefined) {
    process.stderr.write(
      `awoooi: unknown command '${unknown}'. Commands: ${program.commands.map((command) => command.name()).join(', ')}; see awoooi --help\n`,
    );
    process.exitCode = 2;
  } else await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exitCode = error.exitCode === 0 ? 0 : 2;
  else {
    process.stderr.write(`awoooi: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
