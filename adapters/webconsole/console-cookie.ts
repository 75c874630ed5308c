import type { FastifyReply, FastifyRequest } from 'fastify';

export interface ConsoleCookie {
  read(request: FastifyRequest): string | undefined;
  set(request: FastifyRequest, reply: FastifyReply, value: string, maxAgeSeconds?: number): void;
}

/**
 * The console's one cookie (parsed and written by @fastify/cookie). Over https (the public URL says so, or
 * the request came over TLS as trustProxy lets Fastify see it) it is Secure and takes the `__Host-` prefix,
 * which browsers only accept with Secure, Path=/ and no Domain, so a sibling subdomain cannot plant it.
 * Not signed: its value is a random 256-bit id that only means something if its hash is in the database.
 */
export function consoleCookie(httpsOrigin: boolean): ConsoleCookie {
  const isSecure = (request: FastifyRequest) => httpsOrigin || request.protocol === 'https';
  const nameOf = (secure: boolean) => (secure ? '__Host-awoooi_console' : 'awoooi_console');
  return {
    read: (request) => request.cookies[nameOf(isSecure(request))],
    set: (request, reply, value, maxAgeSeconds) => {
      const secure = isSecure(request);
      reply.setCookie(nameOf(secure), value, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure,
        ...(maxAgeSeconds === undefined ? {} : { maxAge: Math.floor(maxAgeSeconds) }),
      });
    },
  };
}
