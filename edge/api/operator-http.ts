import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { formatIssues } from '../../core/validate.ts';
import { WEB_DIST } from './web-build.ts';

export const COOKIE = 'wo_op';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function parse<S extends z.ZodType>(schema: S, value: unknown, subject: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new HttpError(400, `${subject}: ${formatIssues(r.error).join('; ')}`);
  return r.data;
}

export function cookieToken(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === COOKIE && v) return v;
  }
  return undefined;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Serves a file of the built web app; unknown paths get index.html (the app routes client-side). */
export async function sendWebFile(reply: FastifyReply, rel: string) {
  const path = normalize(join(WEB_DIST, rel));
  if (!path.startsWith(WEB_DIST)) throw new HttpError(404, 'not found');
  try {
    const body = await readFile(path);
    return reply.type(MIME[extname(path)] ?? 'application/octet-stream').send(body);
  } catch {
    return reply.type(MIME['.html'] as string).send(await readFile(join(WEB_DIST, 'index.html')));
  }
}
