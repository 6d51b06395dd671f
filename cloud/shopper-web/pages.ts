/** Server-rendered shopper pages: small, no framework, readable on any phone. */

export const esc = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

export const money = (minor: number, currency: string): string =>
  new Intl.NumberFormat('en', { style: 'currency', currency }).format(minor / 100);

const STYLE = `*{box-sizing:border-box}body{margin:0;font:16px/1.45 system-ui,sans-serif;background:#f3f4f6;color:#111827}
main{max-width:480px;margin:0 auto;padding:16px}.card{background:#fff;border-radius:12px;padding:16px;margin:12px 0;box-shadow:0 1px 2px #0002}
label{display:flex;flex-direction:column;gap:4px;margin:8px 0}input,select,button{font:inherit;padding:10px;border:1px solid #d1d5db;border-radius:8px}
button{background:#2563eb;color:#fff;border:0;cursor:pointer}button.link{background:none;color:#2563eb;padding:2px 6px}
.muted{color:#6b7280}.error{color:#b91c1c}table{width:100%;border-collapse:collapse}td{padding:6px 0;vertical-align:top}td.r{text-align:right}
.disc td{color:#16a34a;font-size:14px}.total td{font-weight:700;border-top:1px solid #e5e7eb}#qr svg{width:100%;height:auto}h1{font-size:22px}`;

export function page(title: string, body: string, script = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style></head><body><main>${body}</main>${script ? `<script>${script}</script>` : ''}</body></html>`;
}

export function signupPage(storeName: string, stripeKey: string | undefined, loginLinks = false): string {
  const payment = stripeKey
    ? `<label>Card<div id="card-element" class="card"></div></label>`
    : `<label>Payment method (local ledger: no money moves)<select name="paymentMethod"><option value="pm_card_visa">Test Visa •••• 4242</option><option value="pm_card_mastercard">Test Mastercard •••• 4444</option></select></label>`;
  const script = `
const f=document.querySelector('form');
${stripeKey ? `const s=Stripe(${JSON.stringify(stripeKey)});const els=s.elements();const card=els.create('card');card.mount('#card-element');` : ''}
f.addEventListener('submit',async(e)=>{e.preventDefault();const d=Object.fromEntries(new FormData(f));
${stripeKey ? `const r=await s.createPaymentMethod({type:'card',card});if(r.error){document.getElementById('err').textContent=r.error.message;return;}d.paymentMethod=r.paymentMethod.id;` : ''}
const res=await fetch('/shop/api/signup',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify(d)});
const j=await res.json();if(!res.ok){document.getElementById('err').textContent=j.error;return;}location.href='/shop/me';});
const lf=document.getElementById('login');if(lf)lf.addEventListener('submit',async(e)=>{e.preventDefault();
const res=await fetch('/shop/api/login-link',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify(Object.fromEntries(new FormData(lf)))});
const j=await res.json();document.getElementById('login-msg').textContent=res.ok?'If this address has an account, a sign-in link is on its way.':j.error;});`;
  const login = loginLinks
    ? `<form id="login" class="card"><h2>Already shopping with us?</h2><label>Email<input name="email" type="email" required autocomplete="email"></label><button type="submit">Email me a sign-in link</button><p id="login-msg" class="muted" role="status"></p></form>`
    : '';
  return page(
    'Sign up',
    `<h1>Shop at ${esc(storeName)}</h1><form class="card"><label>Name<input name="name" required autocomplete="name"></label>
<label>Email<input name="email" type="email" required autocomplete="email"></label>${payment}<button type="submit">Create account</button>
<p id="err" class="error" role="alert"></p></form>${login}${stripeKey ? '<script src="https://js.stripe.com/v3/"></script>' : ''}`,
    script,
  );
}

export function mePage(name: string, refreshMs: number): string {
  const script = `
async function tok(){const r=await fetch('/shop/api/entry-qr');const j=await r.json();
document.getElementById('qr').innerHTML=r.ok?j.svg:'<p class="error">'+j.error+'</p>';
document.getElementById('exp').textContent=r.ok?'valid until '+new Date(j.expiresAt).toLocaleTimeString():'';}
async function rec(){const r=await fetch('/shop/api/latest-receipt');if(!r.ok)return;const j=await r.json();
const el=document.getElementById('receipt');if(j.receiptUrl){el.innerHTML='<a id="receipt-link" href="'+j.receiptUrl+'">Your receipt: '+j.total+'</a>';}
else if(j.state){el.textContent='Your cart is being checked ('+j.state+')';}}
tok();rec();setInterval(tok,${refreshMs});setInterval(rec,2000);`;
  return page(
    'Entry code',
    `<h1>Hi ${esc(name)}</h1><div class="card"><p>Scan this code at the gate.</p><div id="qr" data-testid="qr"></div><p id="exp" class="muted"></p></div>
<div class="card" id="receipt" data-testid="latest-receipt"><span class="muted">Your receipt appears here when you leave the store.</span></div>`,
    script,
  );
}
