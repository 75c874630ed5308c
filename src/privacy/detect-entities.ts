import { creditCardDetector, phoneDetector } from './number-detectors.ts';
import { connectionPasswordDetector, secretPairDetector } from './credential-detectors.ts';
import { type Detector, DetectorGroup } from './detector.ts';
import { type EntityType, entityRank, type FoundEntity, secretTypes } from './entity-type.ts';
import { dottedMacDetector, emailDetector, ipv4Detector, ipv6Detector, macDetector, uuidDetector } from './network-detectors.ts';
import { findPrivateKeys } from './private-key-detector.ts';
import {
  authorizationHeaderDetector,
  awsAccessKeyDetector,
  awsSecretKeyDetector,
  bearerTokenDetector,
  githubTokenDetector,
  jwtDetector,
  slackTokenDetector,
  slackWebhookDetector,
  telegramBotTokenDetector,
} from './token-detectors.ts';

// Grouped by what a pattern starts with, so each group is one scan (ADR 0010). Within a group, where two
// members can match at the same index the more specific comes first (a MAC before an IPv6 candidate, an AWS
// secret before a bare `secret:` pair).
const punctuationAnchored = [
  macDetector,
  dottedMacDetector,
  ipv4Detector,
  uuidDetector,
  emailDetector,
  connectionPasswordDetector,
  telegramBotTokenDetector,
  // Last: its candidates fail validation most often (node:net refuses them), and nothing needs a retry after it.
  ipv6Detector,
];
const literalPrefixed = [slackWebhookDetector, jwtDetector, githubTokenDetector, slackTokenDetector, awsAccessKeyDetector, bearerTokenDetector, phoneDetector];
const keywordLed = [authorizationHeaderDetector, awsSecretKeyDetector, secretPairDetector];

function groups(keep: (detector: Detector) => boolean): DetectorGroup[] {
  const of = (detectors: Detector[], flags: 'g' | 'gi') => new DetectorGroup(detectors.filter(keep), flags);
  return [of(punctuationAnchored, 'g'), of(literalPrefixed, 'g'), of(keywordLed, 'gi'), of([creditCardDetector], 'g')].filter((group) => !group.empty);
}
const allGroups = groups(() => true);
const secretGroups = groups((detector) => secretTypes.has(detector.type));

export interface DetectOptions {
  /** Only secrets and credentials (for logs), not personal or topology data. Default: everything. */
  secretsOnly?: boolean;
}

/**
 * Every entity in `text`, sorted by start, none overlapping. Entities never cross a line break except a PEM
 * block, so callers may scan many lines at once.
 */
export function detectEntities(text: string, options: DetectOptions = {}): FoundEntity[] {
  const found: FoundEntity[] = [];
  findPrivateKeys(text, found);
  for (const group of options.secretsOnly ? secretGroups : allGroups) group.find(text, found);
  return resolveOverlaps(found);
}

function beats(challenger: FoundEntity, holder: FoundEntity): boolean {
  const rank = entityRank[challenger.type] - entityRank[holder.type];
  return rank !== 0 ? rank > 0 : challenger.end - challenger.start > holder.end - holder.start;
}

/**
 * Candidates sorted by start, then each cluster of overlapping ones (usually one, sometimes two readings of the
 * same characters) resolved on its own: the strongest claim their spans first.
 */
function resolveOverlaps(found: FoundEntity[]): FoundEntity[] {
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: FoundEntity[] = [];
  for (let first = 0; first < found.length; ) {
    let last = first + 1;
    let clusterEnd = found[first]!.end;
    while (last < found.length && found[last]!.start < clusterEnd) clusterEnd = Math.max(clusterEnd, found[last++]!.end);
    if (last - first === 1) kept.push(found[first]!);
    else kept.push(...strongestWithoutOverlap(found.slice(first, last)));
    first = last;
  }
  return kept;
}

function strongestWithoutOverlap(cluster: FoundEntity[]): FoundEntity[] {
  cluster.sort((a, b) => (beats(a, b) ? -1 : beats(b, a) ? 1 : a.start - b.start));
  const chosen: FoundEntity[] = [];
  for (const candidate of cluster) if (chosen.every((other) => candidate.end <= other.start || other.end <= candidate.start)) chosen.push(candidate);
  return chosen.sort((a, b) => a.start - b.start);
}

export type { EntityType, FoundEntity };
