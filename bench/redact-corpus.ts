// A generated corpus of alert-style lines (labels, annotations, log lines) with planted entities of every type
// the shield detects, and the strings that must come through untouched. Seeded: the same corpus every run.
import { Buffer } from 'node:buffer';
import type { EntityType } from '../src/privacy/entity-type.ts';
import { prng as seededRandom } from './prng.ts';

export interface CorpusLine {
  text: string;
  planted: { type: EntityType; value: string }[];
  /** Not PII: timestamps, versions, durations, pod names, digests…; must appear unchanged in the output. */
  kept: string[];
}

/**
 * `distinctValues` per type: alerts of an incident repeat the same hosts, addresses and tokens, so values are
 * drawn from a pool (0 = every value new, the worst case for the vault).
 */
export function createCorpusGenerator(seed = 42, distinctValues = 1000): () => CorpusLine {
  const next = seededRandom(seed);
  const int = (below: number) => Math.floor(next() * below);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const chars = (alphabet: string, length: number) => Array.from({ length }, () => alphabet[int(alphabet.length)]).join('');
  const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const hex = '0123456789abcdef';
  const luhnComplete = (partial: string) => {
    for (let check = 0; check < 10; check++) {
      const digits = partial + check;
      let sum = 0;
      for (let index = 0; index < digits.length; index++) {
        let digit = Number(digits[digits.length - 1 - index]);
        if (index % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
        sum += digit;
      }
      if (sum % 10 === 0) return digits;
    }
    throw new Error('unreachable');
  };
  const services = ['checkout', 'payments', 'cart', 'orders', 'search', 'gateway', 'inventory'];
  const namespaces = ['shop', 'prod', 'staging', 'monitoring'];
  const makers: Record<EntityType, () => [string, string]> = {
    ipv4: () => {
      const ip = `10.${int(256)}.${int(256)}.${1 + int(254)}`;
      return [ip, `dial tcp ${ip}:${pick(['5432', '6379', '8080'])}: connect: connection refused`];
    },
    ipv6: () => {
      const ip = pick([
        `fd00:${chars(hex, 4)}::${chars(hex, 3)}`,
        `2001:db8:${chars(hex, 4)}:${int(99)}::${chars(hex, 2)}`,
        `fe80::${chars(hex, 4)}%eth${int(4)}`,
      ]);
      return [ip, `upstream [${ip}]:443 reset by peer`];
    },
    email: () => {
      const email = `${pick(['alice', 'bob', 'oncall', 'sre.team'])}${int(1000)}@${pick(['example.com', 'corp.example.org'])}`;
      return [email, `notify=${email} owner team escalation`];
    },
    uuid: () => {
      const uuid = `${chars(hex, 8)}-${chars(hex, 4)}-4${chars(hex, 3)}-a${chars(hex, 3)}-${chars(hex, 12)}`;
      return [uuid, `request_id=${uuid} trace sampled`];
    },
    mac_address: () => {
      const mac = Array.from({ length: 6 }, () => chars(hex, 2)).join(':');
      return [mac, `node nic ${mac} link down`];
    },
    jwt: () => {
      const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
      const body = Buffer.from(JSON.stringify({ sub: String(int(1e6)), exp: 1714567890 })).toString('base64url');
      const jwt = `${header}.${body}.${chars(`${alnum}_-`, 43)}`;
      return [jwt, `session=${jwt} rejected`];
    },
    aws_access_key: () => {
      const key = `AKIA${chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`;
      return [key, `AccessDenied for key ${key} on s3:GetObject`];
    },
    aws_secret_key: () => {
      const secret = `${chars(alnum, 20)}/${chars(alnum, 19)}`;
      return [secret, `aws_secret_access_key=${secret}`];
    },
    github_token: () => {
      const token = `ghp_${chars(alnum, 36)}`;
      return [token, `git clone https://x-access-token:${token}@github.com/org/repo failed`];
    },
    slack_token: () => {
      const token = `xoxb-${chars('0123456789', 12)}-${chars('0123456789', 13)}-${chars(alnum, 24)}`;
      return [token, `slack client token ${token} invalid_auth`];
    },
    slack_webhook: () => {
      const url = `https://hooks.slack.com/services/T${chars(alnum, 8)}/B${chars(alnum, 8)}/${chars(alnum, 24)}`;
      return [url, `POST ${url} returned 404`];
    },
    telegram_bot_token: () => {
      const token = `${chars('0123456789', 9)}:AA${chars(`${alnum}_-`, 33)}`;
      return [token, `request to https://api.telegram.org/bot${token}/sendMessage timed out`];
    },
    bearer_token: () => {
      const token = `${chars(alnum, 32)}`;
      return [token, `header Authorization: Bearer ${token}`];
    },
    private_key: () => {
      const key = `-----BEGIN RSA PRIVATE KEY-----\\n${chars(alnum, 64)}\\n${chars(alnum, 64)}\\n-----END RSA PRIVATE KEY-----`;
      return [key, `tls.key="${key}"`];
    },
    connection_password: () => {
      const password = chars(alnum, 12);
      return [password, `DATABASE_URL=postgres://app:${password}@orders-db.${pick(namespaces)}.svc:5432/orders`];
    },
    secret_pair: () => {
      const password = chars(alnum, 14);
      return [password, `config reload password=${password} user=app`];
    },
    credit_card: () => {
      const card = luhnComplete(`4${chars('0123456789', 14)}`);
      return [`${card.slice(0, 4)} ${card.slice(4, 8)} ${card.slice(8, 12)} ${card.slice(12)}`, ''];
    },
    phone: () => {
      const phone = `+${pick(['1', '44', '49', '33'])} ${chars('0123456789', 3)} ${chars('0123456789', 3)} ${chars('0123456789', 4)}`;
      return [phone, `page oncall at ${phone} now`];
    },
  };
  const types = Object.keys(makers) as EntityType[];
  const pools = new Map<EntityType, [string, string][]>();
  const make = (type: EntityType): [string, string] => {
    const pool = pools.get(type) ?? [];
    pools.set(type, pool);
    if (distinctValues === 0 || pool.length < distinctValues) {
      const made = makers[type]();
      if (distinctValues !== 0) pool.push(made);
      return made;
    }
    return pool[int(pool.length)]!;
  };
  return () => {
    const service = pick(services);
    const namespace = pick(namespaces);
    const pod = `${service}-${chars(hex, 10)}-${chars('bcdfghjklmnpqrstvwxz2456789', 5)}`;
    const time = `2024-05-${String(1 + int(28)).padStart(2, '0')}T${String(int(24)).padStart(2, '0')}:${String(int(60)).padStart(2, '0')}:05.${int(1000)}Z`;
    const version = `v1.${int(30)}.${int(10)}`;
    const digest = `sha256:${chars(hex, 64)}`;
    const kept = [time, pod, version, digest, `${int(100)}.${int(10)}%`, `${int(60)}m${int(60)}s`, `${int(999)}ms`, ':8080'];
    const base = `${time} level=error ns=${namespace} pod=${pod} image=${service}@${digest} version=${version} cpu=${kept[4]} uptime=${kept[5]} latency=${kept[6]} listen=${kept[7]}`;
    const planted: CorpusLine['planted'] = [];
    const extras: string[] = [];
    const count = int(3);
    for (let index = 0; index < count; index++) {
      const type = pick(types);
      const [value, context] = make(type);
      planted.push({ type, value });
      extras.push(type === 'credit_card' ? `card=${value} charged` : context);
    }
    return { text: extras.length === 0 ? `${base} msg="back-off restarting failed container"` : `${base} msg="${extras.join('; ')}"`, planted, kept };
  };
}
