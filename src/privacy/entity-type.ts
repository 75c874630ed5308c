/**
 * What the privacy shield finds. Types are fine-grained (what it is); labels are coarse (what the model may
 * know about it): a GitHub token and a Slack token both become `[TOKEN_n]`.
 */
export const entityTypes = [
  'private_key',
  'slack_webhook',
  'jwt',
  'github_token',
  'slack_token',
  'telegram_bot_token',
  'aws_access_key',
  'aws_secret_key',
  'connection_password',
  'bearer_token',
  'secret_pair',
  'email',
  'uuid',
  'ipv6',
  'mac_address',
  'ipv4',
  'credit_card',
  'phone',
] as const;
export type EntityType = (typeof entityTypes)[number];

/**
 * The word in a label: `[IP_1]`. NAME, NAMESPACE and HOST are not found by a detector: the brain issues them
 * for the Kubernetes names, namespaces and hostnames of an incident it sends to a cloud model.
 */
export const labelKinds = ['IP', 'EMAIL', 'UUID', 'MAC', 'TOKEN', 'SECRET', 'KEY', 'URL', 'CARD', 'PHONE', 'NAME', 'NAMESPACE', 'HOST'] as const;
export type LabelKind = (typeof labelKinds)[number];

export const labelKindOf: Record<EntityType, LabelKind> = {
  private_key: 'KEY',
  slack_webhook: 'URL',
  jwt: 'TOKEN',
  github_token: 'TOKEN',
  slack_token: 'TOKEN',
  telegram_bot_token: 'TOKEN',
  aws_access_key: 'TOKEN',
  aws_secret_key: 'SECRET',
  connection_password: 'SECRET',
  bearer_token: 'TOKEN',
  secret_pair: 'SECRET',
  email: 'EMAIL',
  uuid: 'UUID',
  ipv6: 'IP',
  mac_address: 'MAC',
  ipv4: 'IP',
  credit_card: 'CARD',
  phone: 'PHONE',
};

/** Secrets and credentials (tokens, passwords, keys, secret URLs): what logs must never hold. The rest is personal or topology data. */
export const secretTypes: ReadonlySet<EntityType> = new Set(entityTypes.filter((type) => ['TOKEN', 'SECRET', 'KEY', 'URL'].includes(labelKindOf[type])));

/** A span of the scanned text, [start, end) in UTF-16 code units, and what it is. */
export interface FoundEntity {
  type: EntityType;
  start: number;
  end: number;
}

/**
 * Where two candidates overlap, the higher rank wins (then the longer): the most specific reading of the same
 * characters. A JWT in a bearer header is a JWT; the password inside a connection string is not an email.
 */
export const entityRank: Record<EntityType, number> = Object.fromEntries(entityTypes.map((type, index) => [type, entityTypes.length - index])) as Record<
  EntityType,
  number
>;
