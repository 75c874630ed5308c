import { isIP } from 'node:net';
import { type Detector, leadAndMatch } from './detector.ts';

// Addresses that name no one: they are the same on every machine and say a lot to a person reading a log
// ("connection refused 127.0.0.1:5432"), so they stay.
const wellKnownAddresses = new Set(['0.0.0.0', '255.255.255.255', '::', '::1']);

function isPersonalIp(value: string, version: 4 | 6): boolean {
  if (isIP(value) !== version) return false;
  if (wellKnownAddresses.has(value)) return false;
  return !(version === 4 && value.startsWith('127.'));
}

/**
 * Four dotted numbers, not inside a longer dotted or word run (so `v1.2.3.4` and `1.2.3.4.5` are not IPs),
 * then node:net decides (octets ≤ 255, no leading zeros). A port or a CIDR suffix stays outside.
 */
export const ipv4Detector: Detector = {
  type: 'ipv4',
  pattern: /(?<=(?<![\w.])(\d{1,3}))\.\d{1,3}\.\d{1,3}\.\d{1,3}(?!\w|\.\d)/g,
  value: leadAndMatch,
  validate: (value) => isPersonalIp(value, 4),
};

/**
 * Hex groups and colons (every compressed form, at least two colons), an optional dotted IPv4 tail
 * (`::ffff:192.0.2.1`) and an optional zone id (`fe80::1%eth0`, `%25eth0` in URLs); node:net decides,
 * which turns away times (13:21:05), MACs and C++ scopes (`std::vector` starts inside a word).
 */
export const ipv6Detector: Detector = {
  type: 'ipv6',
  pattern:
    /(?<=(?<![\w:.%])([0-9A-Fa-f]{0,4})):(?<!::)[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){1,6}(?:\.\d{1,3}\.\d{1,3}\.\d{1,3})?(?:%[0-9A-Za-z._~-]+)?(?![\w:]|\.\d)/g,
  value: leadAndMatch,
  validate: (value) => /[0-9A-Fa-f]/.test(value) && isPersonalIp(value, 6),
};

const isUnicastMac = (value: string) => !/^(?:00[:.-]?){5}00$|^(?:ff[:.-]?){5}ff$/i.test(value.replace(/\./g, ''));

/**
 * Six hex pairs with one separator throughout, not part of a longer run, so a 16- or 32-pair key fingerprint
 * (`aa:bb:…:ff`) is not a MAC.
 */
export const macDetector: Detector = {
  type: 'mac_address',
  pattern: /(?<=(?<![\w:.-])([0-9A-Fa-f]{2}))([:-])[0-9A-Fa-f]{2}(?:\2[0-9A-Fa-f]{2}){4}(?![\w:-]|\.\w)/g,
  value: leadAndMatch,
  validate: isUnicastMac,
};

/** Cisco's three dotted quads (`001a.2b3c.4d5e`), one letter case throughout. */
export const dottedMacDetector: Detector = {
  type: 'mac_address',
  pattern: /(?<=(?<![\w:.-])([0-9a-f]{4}|[0-9A-F]{4}))\.(?:[0-9a-f]{4}\.[0-9a-f]{4}|[0-9A-F]{4}\.[0-9A-F]{4})(?![\w:-]|\.\w)/g,
  value: leadAndMatch,
  validate: isUnicastMac,
};

/** Not `git@github.com:org/repo` (an scp-style address names a host, not a person). */
export const emailDetector: Detector = {
  type: 'email',
  value: leadAndMatch,
  pattern: /(?<=(?<![\w.%+-])([A-Za-z0-9][\w.%+-]{0,63}))@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}(?![\w-]|\.[A-Za-z0-9]|:[\w~/])/g,
};

/** 8-4-4-4-12 hex; a neighbouring dash is allowed (`pvc-<uuid>` keeps its prefix, the id is pseudonymized). */
export const uuidDetector: Detector = {
  type: 'uuid',
  value: leadAndMatch,
  pattern: /(?<=(?<![0-9A-Za-z])([0-9a-fA-F]{8}))-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![0-9A-Za-z])/g,
};
