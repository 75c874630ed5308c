/**
 * The console's one cookie. Behind TLS it takes the `__Host-` prefix, which browsers only accept with
 * Secure, Path=/ and no Domain, so a sibling subdomain cannot plant it.
 */
export interface SessionCookie {
  name: string;
  read(header: string | undefined): string | undefined;
  serialize(value: string, maxAgeSeconds?: number): string;
}

export function sessionCookie(secure: boolean): SessionCookie {
  const name = secure ? '__Host-awoooi_console' : 'awoooi_console';
  return {
    name,
    read(header) {
      if (!header) return undefined;
      for (const part of header.split(';')) {
        const equals = part.indexOf('=');
        if (equals > 0 && part.slice(0, equals).trim() === name) return part.slice(equals + 1).trim();
      }
      return undefined;
    },
    serialize(value, maxAgeSeconds) {
      const attributes = [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict'];
      if (maxAgeSeconds !== undefined) attributes.push(`Max-Age=${Math.floor(maxAgeSeconds)}`);
      if (secure) attributes.push('Secure');
      return attributes.join('; ');
    },
  };
}
