import type { DiscordCommandData } from './discord-payloads.ts';

const text = (name: string, description: string) => ({ type: 3, name, description, required: true });

/**
 * The application command `/awoooi` with one subcommand per verb of the core's command door, as
 * `PUT /applications/{id}/commands` takes it (a bulk overwrite: registering twice changes nothing).
 */
export const discordCommands = [
  {
    name: 'awoooi',
    type: 1,
    description: 'AWOOOI on-call bot: diagnose, status, approve, reject, oncall, help',
    options: [
      { type: 1, name: 'diagnose', description: 'Root cause, blast radius, cost and a proposal for a service', options: [text('service', 'the service')] },
      { type: 1, name: 'status', description: 'The open incidents, newest first' },
      { type: 1, name: 'approve', description: "Approve an incident's proposal, as the button does", options: [text('incident', 'incident number, e.g. 12')] },
      { type: 1, name: 'reject', description: "Reject an incident's proposal, as the button does", options: [text('incident', 'incident number, e.g. 12')] },
      { type: 1, name: 'oncall', description: 'Who is on call now and who is next' },
      { type: 1, name: 'help', description: 'What AWOOOI understands' },
    ],
  },
];

/** `/awoooi diagnose service:checkout` as the core's command text, `diagnose checkout`. */
export function discordCommandText(data: DiscordCommandData): string {
  const [subcommand] = data.options ?? [];
  if (subcommand === undefined) return 'help';
  const values = (subcommand.options ?? []).map((option) => String(option.value ?? '')).filter(Boolean);
  return [subcommand.name, ...values].join(' ').slice(0, 300);
}
