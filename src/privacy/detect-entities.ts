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
// members can match at the same index the more specific comes first (a MAC before an IPv6 candidate).
const punctuationAnchored = [
  macDetector,
  dottedMacDetector,
  ipv4Detector,
  ipv6Detector,
  uuidDetector,
  emailDetector,
  connectionPasswordDetector,
  telegramBotTokenDetector,
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

/** Overlaps are rare, so the common case is a sort; otherwise the strongest candidates claim their spans first. */
function resolveOverlaps(found: FoundEntity[]): FoundEntity[] {
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  let overlapping = false;
  for (let index = 1; index < found.length && !overlapping; index++) overlapping = found[index]!.start < found[index - 1]!.end;
  if (!overlapping) return found;
  const strongestFirst = [...found].sort((a, b) => (beats(a, b) ? -1 : beats(b, a) ? 1 : a.start - b.start));
  const kept: FoundEntity[] = [];
  for (const candidate of strongestFirst) {
    const at = insertionIndex(kept, candidate.start);
    const before = kept[at - 1];
    const after = kept[at];
    if ((before === undefined || before.end <= candidate.start) && (after === undefined || candidate.end <= after.start)) kept.splice(at, 0, candidate);
  }
  return kept;
}

function insertionIndex(sorted: readonly FoundEntity[], start: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]!.start < start) low = middle + 1;
    else high = middle;
  }
  return low;
}

export type { EntityType, FoundEntity };
