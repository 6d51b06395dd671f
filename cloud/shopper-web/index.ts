import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import qrcode from 'qrcode-generator';
import { z } from 'zod';
import { formatIssues } from '../../core/validate.ts';
import type { PricedReceipt } from '../pricing/price-cart.ts';
import { SettlementError, type SettlementService } from '../settlement/settlement-service.ts';
import { esc, mePage, money, page, signupPage } from './pages.ts';
import { type ShopperSessionOptions, ShopperSessions } from './shopper-session.ts';

export interface ShopperWebOptions {
  storeId: string;
  /** The running settlement service; a getter because the plugin is built before the cloud starts. */
  service: () => SettlementService;
  /** Stripe publishable key: sign-up uses Stripe Elements; absent = local ledger test methods. */
  stripePublishableKey?: string;
  /** Signed login cookie: secret (default WALKOUT_SHOPPER_SECRET, else per process), lifetime, clock. */
  session?: ShopperSessionOptions;
  /** Mark the login cookie Secure (set when the cloud is served over HTTPS). */
  secureCookie?: boolean;
  /**
   * Delivers a sign-in link (`path` under the cloud's URL) to an existing account's email address:
   * how a shopper whose login expired gets back in. Absent: /shop offers sign-up only.
   */
  sendLoginLink?: (to: { email: string; name: string }, path: string) => Promise<void> | void;
}

const COOKIE = 'wo_shopper';
const SignupBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  email: z.email(),
  paymentMethod: z.string().min(1).max(255),
});
const LinkBody = z.strictObject({ email: z.email() });
const LinkQuery = z.strictObject({ token: z.string().min(1).max(512) });
const ReceiptParams = z.strictObject({ sessionId: z.string().min(1).max(128) });
const ReceiptQuery = z.strictObject({ sig: z.string().min(1).max(256) });
const DisputeForm = z.strictObject({
  sku: z.string().min(1).max(128),
  reason: z.string().trim().min(3).max(1000),
});

function parse<S extends z.ZodType>(schema: S, v: unknown, subject: string): z.output<S> {
  const r = schema.safeParse(v);
  if (!r.success) throw new SettlementError(400, `${subject}: ${formatIssues(r.error).join('; ')}`);
  return r.data;
}

function cookieOf(req: FastifyRequest): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === COOKIE && v) return v;
  }
  return undefined;
}

/** Latest settlement of an account; the storage interface has no such query yet (see report). */
function latestOf(
  service: SettlementService,
  accountId: string,
): { sessionId: string; state: string; totalMinor: number } | undefined {
  const db = (
    service.storage as unknown as { db?: { prepare(sql: string): { get(...a: unknown[]): unknown } } }
  ).db;
  return db
    ?.prepare(
      'SELECT session_id AS sessionId, state, total_minor AS totalMinor FROM settlements WHERE account_id = ? ORDER BY finalised_at DESC LIMIT 1',
    )
    .get(accountId) as { sessionId: string; state: string; totalMinor: number } | undefined;
}

/** Shopper pages: sign-up, refreshing entry QR code, receipt with discounts and per-line disputes. */
export function shopperWeb(opts: ShopperWebOptions): (app: FastifyInstance) => void {
  const sessions = new ShopperSessions(opts.session);
  const setLogin = (reply: FastifyReply, accountId: string) => {
    const c = sessions.issue(accountId);
    void reply.header(
      'set-cookie',
      `${COOKIE}=${c.value}; HttpOnly; SameSite=Lax; Path=/shop; Max-Age=${c.maxAgeS}${opts.secureCookie ? '; Secure' : ''}`,
    );
  };
  /** The signed-in account, or undefined for a missing, tampered or expired cookie (renewed when stale). */
  const accountOf = (req: FastifyRequest, reply: FastifyReply) => {
    const s = sessions.verify(cookieOf(req));
    const acc = s ? opts.service().storage.account(s.accountId) : undefined;
    if (acc && s && sessions.stale(s.expiresAt)) setLogin(reply, acc.id);
    return acc;
  };
  return (app) => {
    const store = () => {
      const s = opts.service().stores.get(opts.storeId);
      if (!s) throw new SettlementError(404, `store ${opts.storeId} not found`);
      return s;
    };
    const html = (reply: FastifyReply, body: string) => reply.type('text/html; charset=utf-8').send(body);

    app.get('/shop', async (_req, reply) =>
      html(reply, signupPage(store().model.config.name, opts.stripePublishableKey, !!opts.sendLoginLink)),
    );
    app.post('/shop/api/login-link', async (req, reply) => {
      const { email } = parse(LinkBody, req.body, 'login');
      if (!opts.sendLoginLink) throw new SettlementError(404, 'sign-in links are not enabled');
      const acc = opts.service().storage.accountByEmail(email);
      // The same answer whether or not the address has an account: no probing for customers.
      if (acc)
        await opts.sendLoginLink(
          { email: acc.email, name: acc.name },
          `/shop/login?token=${encodeURIComponent(sessions.issueLink(acc.id))}`,
        );
      return reply.code(202).send({ sent: true });
    });
    app.get('/shop/login', async (req, reply) => {
      const q = LinkQuery.safeParse(req.query);
      const id = q.success ? sessions.redeemLink(q.data.token) : undefined;
      const acc = id ? opts.service().storage.account(id) : undefined;
      if (!acc)
        return html(
          reply.code(401),
          page(
            'Sign-in link',
            '<div class="card"><p class="error">This sign-in link is invalid, expired or already used.</p><a href="/shop">Request a new one</a></div>',
          ),
        );
      setLogin(reply, acc.id);
      return reply.redirect('/shop/me', 303);
    });
    app.post('/shop/api/signup', async (req, reply) => {
      const b = parse(SignupBody, req.body, 'signup');
      const acc = await opts.service().createAccount(b.email, b.name, b.paymentMethod);
      setLogin(reply, acc.id);
      return reply.code(201).send({ id: acc.id });
    });
    const me = (req: FastifyRequest, reply: FastifyReply) => {
      const acc = accountOf(req, reply);
      if (!acc) throw new SettlementError(401, 'not signed in (or the login expired): open /shop');
      return acc;
    };
    app.get('/shop/me', async (req, reply) => {
      const acc = accountOf(req, reply);
      if (!acc) return reply.redirect('/shop');
      const ttl = (opts.service() as unknown as { opts: { tokenTtlMs: number } }).opts?.tokenTtlMs ?? 300_000;
      return html(reply, mePage(acc.name, Math.max(5000, Math.floor(ttl / 2))));
    });
    app.get('/shop/api/entry-qr', async (req, reply) => {
      const acc = me(req, reply);
      const t = opts.service().issueEntryToken(acc.id, opts.storeId);
      const qr = qrcode(0, 'M');
      qr.addData(t.token);
      qr.make();
      return {
        token: t.token,
        expiresAt: t.expiresAt,
        svg: qr.createSvgTag({ cellSize: 4, margin: 2, scalable: true }),
      };
    });
    app.get('/shop/api/latest-receipt', async (req, reply) => {
      const acc = me(req, reply);
      const row = latestOf(opts.service(), acc.id);
      if (!row) return { state: null, receiptUrl: null };
      const url = row.state === 'settled' ? `/shop${opts.service().receiptUrl(row.sessionId)}` : null;
      return {
        state: row.state,
        receiptUrl: url,
        total: money(row.totalMinor, store().model.config.currency),
      };
    });

    const loadReceipt = (req: FastifyRequest) => {
      const { sessionId } = parse(ReceiptParams, req.params, 'path');
      const { sig } = parse(ReceiptQuery, req.query, 'query');
      const svc = opts.service();
      if (!svc.verifyReceiptSig(sessionId, sig)) throw new SettlementError(401, 'sig: invalid receipt link');
      const row = svc.storage.settlement(sessionId);
      if (!row) throw new SettlementError(404, 'receipt not found');
      return { sessionId, sig, row, svc };
    };
    app.get('/shop/receipts/:sessionId', async (req, reply) => {
      const { sessionId, sig, row, svc } = loadReceipt(req);
      const priced = row.pricedJson ? (JSON.parse(row.pricedJson) as PricedReceipt) : null;
      if (!priced)
        return html(
          reply,
          page('Receipt', `<div class="card">Your cart is being checked (${esc(row.state)}).</div>`),
        );
      const c = priced.currency;
      const disputes = svc.storage.disputes(sessionId);
      const rows = priced.lines
        .map((l) => {
          const disputed = disputes.some((d) => d.sku === l.sku);
          const discs = l.discounts
            .map(
              (d) =>
                `<tr class="disc"><td>&nbsp;&nbsp;${esc(d.label)}</td><td class="r">−${money(d.amountMinor, c)}</td></tr>`,
            )
            .join('');
          const action = disputed
            ? '<span class="muted">disputed</span>'
            : `<form method="post" action="/shop/receipts/${encodeURIComponent(sessionId)}/disputes?sig=${encodeURIComponent(sig)}" class="dispute">
<input type="hidden" name="sku" value="${esc(l.sku)}"><input type="hidden" name="reason" value="I did not take this item"><button class="link" type="submit" data-sku="${esc(l.sku)}">Dispute</button></form>`;
          return `<tr data-line="${esc(l.sku)}"><td>${l.quantity} × ${esc(l.name)}<br>${action}</td><td class="r">${money(l.grossMinor, c)}</td></tr>${discs}`;
        })
        .join('');
      const body = `<h1>Receipt</h1><div class="card" data-testid="receipt"><p class="muted">${esc(store().model.config.name)} · ${row.settledAt ? new Date(row.settledAt).toLocaleString() : ''}</p>
<table>${rows}<tr class="disc"><td>Discounts</td><td class="r">−${money(priced.discountMinor, c)}</td></tr>
<tr><td class="muted">Tax${priced.taxMode === 'inclusive' ? ' (included)' : ''}</td><td class="r muted">${money(priced.taxMinor, c)}</td></tr>
<tr class="total"><td>Charged</td><td class="r" data-testid="total">${money(row.totalMinor, c)}</td></tr></table>
<p class="muted">Status: ${esc(row.state)}${priced.loyaltyEarnedPoints ? ` · ${priced.loyaltyEarnedPoints} loyalty points earned` : ''}</p></div>`;
      return html(reply, page('Receipt', body));
    });
    // Plain HTML forms post urlencoded bodies; parse only inside this plugin's scope.
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
      done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    app.post('/shop/receipts/:sessionId/disputes', async (req, reply) => {
      const { sessionId, sig, svc } = loadReceipt(req);
      const b = parse(DisputeForm, req.body, 'dispute');
      await svc.dispute(sessionId, b.sku, 1, b.reason);
      return reply.redirect(
        `/shop/receipts/${encodeURIComponent(sessionId)}?sig=${encodeURIComponent(sig)}`,
        303,
      );
    });
  };
}
