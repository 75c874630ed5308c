import { BlockList, isIP } from 'node:net';
import type { Config } from '../config/config-schema.ts';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/**
 * Whether the HTTP listener accepts loopback connections only: 127.0.0.0/8, ::1 (IPv4-mapped too) or
 * "localhost". The LISTENER decides, never the peer: behind a service mesh every request arrives from the
 * sidecar on loopback (Istio: 127.0.0.6), whoever sent it.
 */
export function isLoopbackHost(host: string): boolean {
  const address = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (address === 'localhost') return true;
  const family = isIP(address);
  return family !== 0 && loopback.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export interface ListenerSafety {
  /** Each a reason to refuse to start, saying what to configure. */
  errors: string[];
  /** Each a loud start-up warning (AWOOOI_DEMO=true opened something to the network on purpose). */
  warnings: string[];
  /** Demo people are offered to the network (the web console's banner says so). */
  demoOnNetwork: boolean;
}

/**
 * The open defaults of `npm start` (demo people who sign in with one click, an API without credentials) are
 * only for a loopback listener. On any other address the bot refuses to start without people and webhook
 * credentials, unless `server.demo` (AWOOOI_DEMO=true) says the openness is meant; then it says so loudly.
 */
export function checkListenerSafety(config: Config): ListenerSafety {
  const host = config.server.host;
  const result: ListenerSafety = { errors: [], warnings: [], demoOnNetwork: false };
  if (isLoopbackHost(host)) return result;
  const noPeople = config.approvals.people.length === 0;
  const noCredentials = !config.webhook.token && !config.webhook.user;
  if (config.server.demo) {
    if (noPeople) {
      result.demoOnNetwork = true;
      result.warnings.push(
        `DEMO sign-in is OPEN TO THE NETWORK (AWOOOI_DEMO=true, server.host ${host}): anyone who reaches this port can sign in as a demo person (cto and ciso included) and sign approvals.`,
      );
    }
    if (noCredentials) {
      result.warnings.push(
        `The API is OPEN TO THE NETWORK without credentials (AWOOOI_DEMO=true, server.host ${host}): anyone who reaches this port can post alerts and read incidents.`,
      );
    }
    return result;
  }
  if (noPeople) {
    result.errors.push(
      `server.host ${host} is not loopback and no approvals.people are configured: the demo people would let anyone who reaches this port sign approvals as cto and ciso. ` +
        'Configure approvals.people in the file AWOOOI_CONFIG names (passwords from `npx awoooi hash-password`), listen on 127.0.0.1 (HOST), ' +
        'or set AWOOOI_DEMO=true to open the demo to the network on purpose.',
    );
  }
  if (noCredentials) {
    result.errors.push(
      `server.host ${host} is not loopback and no webhook credentials are configured: anyone who reaches this port could post alerts and read incidents. ` +
        'Set AWOOOI_WEBHOOK_TOKEN (or AWOOOI_WEBHOOK_USER and AWOOOI_WEBHOOK_PASSWORD), listen on 127.0.0.1 (HOST), or set AWOOOI_DEMO=true.',
    );
  }
  return result;
}
