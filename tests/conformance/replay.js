#!/usr/bin/env node
/*
 * replay.js -- conformance replay for market-sim: seeds the simulator
 * through its control API, sends a scripted set of Back Market requests
 * (and every recorded traffic file) through a `prism proxy` that validates
 * requests and responses against Back Market's OpenAPI, and the Pro
 * requests through a second prism with schemas/backmarket-pro.openapi.yaml.
 * Violations come back in prism's `sl-violations` header; any violation
 * not on the allow-list below fails the run.
 *
 * usage: node replay.js SIM_URL BM_PRISM_URL PRO_PRISM_URL [traffic.jsonl...]
 * No dependencies beyond Node >= 18 (global fetch).
 */
'use strict';
const fs = require('fs');

const [simUrl, bmUrl, proUrl, ...traffic] = process.argv.slice(2);
/* Real tokens are already Basic credentials (base64 of user:secret, ref
   1.2); the orders operations declare http basic, which prism decodes. */
const TOKEN = Buffer.from('conformance@example.test:0123456789abcdef')
  .toString('base64');
/* One token per platform (a token only works on its own platform, ref
   1.1): recorded traffic on en-us or ja-jp/en-au replays with that
   platform's token. */
const PLATFORM_TOKENS = {
  eu: TOKEN,
  na: Buffer.from('conformance-na@example.test:0123456789abcdef')
    .toString('base64'),
  ap: Buffer.from('conformance-ap@example.test:0123456789abcdef')
    .toString('base64'),
};
function tokenFor(lang) {
  const l = (lang || '').toLowerCase();
  if (l === 'en-us') return PLATFORM_TOKENS.na;
  if (l === 'ja-jp' || l === 'en-au') return PLATFORM_TOKENS.ap;
  return PLATFORM_TOKENS.eu;
}
const PRO_KEY = 'conformance-pro-key';
const UA = 'BM-Conformance-Replay;qa@example.test';

/* Allowed violations: each entry matches a violation and says why it is
   accepted.  These are the production deviations of
   shared/reference/backmarket-api.md sections 3.7 and 4.2, which the
   simulator reproduces on purpose (real responses win over the spec). */
const ALLOW = [
  { re: /max_price type .*must be string/,
    why: 'production returns listing max_price as a JSON number (ref 4.2)' },
  { re: /\.(company|street2|date_shipping|date_payment|expected_dispatch_date|paypal_reference|min_price) type .*must be string/,
    why: 'null until set in production (ref 3.7: company, street2, ' +
         'date_shipping, expected_dispatch_date, paypal_reference; ref 4.2: ' +
         'min_price)' },
  { re: /tracking_url format /,
    why: 'tracking_url is "" until shipped in production orders (ref 3.7)' },
  { re: /^request\.body required .*property 'id'/,
    why: 'UpdateOrder lists `id` as required but names the property ' +
         'order_id; every client sends order_id (ref 3.5)' },
  { re: /Unable to match the returned status code.*200,400,403,404/,
    why: '401 for a bad token (ref 1.2, 6.3) is not declared on the ' +
         'orders operations' },
];

let failures = 0, checked = 0, allowedCount = 0;
const allowedSeen = new Map();

async function ctl(method, path, body) {
  const r = await fetch(simUrl + path, {
    method, headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body) });
  const t = await r.text();
  if (r.status >= 300)
    throw new Error(`control ${method} ${path} -> ${r.status} ${t}`);
  return t ? JSON.parse(t) : {};
}

function violationsOf(res) {
  const h = res.headers.get('sl-violations');
  if (!h) return [];
  try { return JSON.parse(h); } catch (e) { return [{ message: h }]; }
}

/* opts.badRequest: the request is wrong on purpose (a negative test), so
   request-side violations are expected; the response is still checked. */
async function send(base, label, method, path, headers, body, opts) {
  let res;
  try {
    res = await fetch(base + path, { method, headers, body, redirect: 'manual' });
  } catch (e) {
    failures++;
    console.log(`FAIL ${label}: transport error ${e.message}`);
    return null;
  }
  const text = await res.text();
  checked++;
  const vs = violationsOf(res);
  const bad = [];
  for (const v of vs) {
    const where = (v.location || []).join('.');
    const s = `${where} ${v.code || ''} ${v.message || ''}`;
    const a = ALLOW.find((x) => x.re.test(s));
    if (process.env.BMC_CONFORMANCE_VERBOSE)
      console.log(`     (violation) ${s}`);
    if (opts && opts.badRequest && where.startsWith('request'))
      allowedCount++;
    else if (a) {
      allowedCount++;
      allowedSeen.set(a.why, (allowedSeen.get(a.why) || 0) + 1);
    } else
      bad.push(`[${v.severity || '?'}] ${s}`);
  }
  if (res.status === 422 && /VIOLATIONS|INVALID/.test(text) && !vs.length)
    bad.push(`prism refused the request: ${text.slice(0, 300)}`);
  if (bad.length) {
    failures++;
    console.log(`FAIL ${label}: ${method} ${path} -> ${res.status}`);
    for (const b of bad) console.log(`     ${b}`);
  } else
    console.log(`ok   ${label}: ${method} ${path} -> ${res.status}`);
  return { status: res.status, text };
}

function bm(label, method, path, body, extra, opts) {
  const h = { authorization: `Basic ${TOKEN}`, 'user-agent': UA,
              accept: 'application/json', 'accept-language': 'en-gb',
              'content-type': 'application/json', ...(extra || {}) };
  for (const k of Object.keys(h)) if (h[k] === null) delete h[k];
  return send(bmUrl, label, method, path, h,
              body === undefined ? undefined : JSON.stringify(body), opts);
}

function pro(label, method, path, body) {
  return send(proUrl, label, method, path,
              { 'x-api-key': PRO_KEY, accept: 'application/json',
                'content-type': 'application/json' },
              body === undefined ? undefined : JSON.stringify(body));
}

async function seed() {
  await ctl('POST', '/_sim/reset');
  await ctl('POST', '/_sim/merchants', { id: 789, name: 'Conformance' });
  for (const [platform, token] of Object.entries(PLATFORM_TOKENS))
    await ctl('POST', '/_sim/tokens', { token, merchant_id: 789, platform });
  const a = await ctl('POST', '/_sim/listings', {
    merchant_id: 789, sku: 'CONF-A', quantity: 5, grade: 'FAIR',
    title: 'MacBook Air 13-inch (2020)',
    markets: { 'en-gb': { price: '449.00', currency: 'GBP', min_price: '430.00',
                          max_price: '639.00', comment: 'Light signs of use' } } });
  await ctl('POST', '/_sim/listings', {
    merchant_id: 789, sku: 'CONF-B', quantity: 3,
    markets: { 'en-gb': { price: '120.00', max_price: '150.50' } } });
  await ctl('POST', '/_sim/backbox', { listing: 'CONF-A', market: 'en-gb',
    price_to_win: '441.00', winner_price: '442.00', min_price: '430.00' });
  const o1 = await ctl('POST', '/_sim/customer_order',
                       { merchant_id: 789, sku: 'CONF-A', market: 'en-gb' });
  const o2 = await ctl('POST', '/_sim/orders', { merchant_id: 789,
    market: 'en-gb', lines: [{ sku: 'CONF-A', quantity: 1 },
                             { sku: 'CONF-B', quantity: 2, price: '240.00' }] });
  const o3 = await ctl('POST', '/_sim/customer_order',
                       { merchant_id: 789, sku: 'CONF-B', market: 'en-gb' });
  await ctl('POST', '/_sim/pro/keys', { key: PRO_KEY, seller_id: 'SELLER-1',
                                        seller_name: 'Conformance Pro' });
  for (let i = 0; i < 3; i++)
    await ctl('POST', '/_sim/pro/orders', { seller_id: 'SELLER-1',
      shipping_total: '10.00', lines: [{ sku: 'PRO-SKU', title: 'Laptop',
        quantity: 2, unit_price: '100.00', tax_rate: '20' }] });
  return { a, o1, o2, o3 };
}

async function scripted() {
  const { a, o1, o2, o3 } = await seed();
  const id1 = o1.order_id, id2 = o2.order_id, id3 = o3.order_id;
  await bm('list orders', 'GET', '/ws/orders');
  await bm('list paid, paged', 'GET', '/ws/orders?state=1&page-size=1');
  await bm('list since', 'GET',
           '/ws/orders?date_modification=2026-03-22T00:00:00Z&page=1');
  await bm('get order', 'GET', `/ws/orders/${id1}`);
  await bm('accept', 'POST', `/ws/orders/${id1}`,
           { order_id: id1, new_state: 2, sku: 'CONF-A' });
  await bm('ship', 'POST', `/ws/orders/${id1}`,
           { order_id: id1, new_state: 3, tracking_number: 'MV000000001GB',
             tracking_url: 'https://t.example/MV000000001GB',
             shipper: 'Royal Mail', imei: '356938035643809' });
  await bm('cancel line', 'POST', `/ws/orders/${id2}`,
           { order_id: id2, new_state: 4, sku: 'CONF-B' });
  const line3 = o3.orderlines[0].id;
  await bm('patch orderline', 'PATCH', `/ws/orderlines/${line3}`,
           { serial_number: 'SN0000000002' });
  await bm('list listings', 'GET', '/ws/listings');
  await bm('listings online', 'GET', '/ws/listings?publication_state=2&page-size=1');
  await bm('get listing uuid', 'GET', `/ws/listings/${a.id}`);
  await bm('get listing legacy', 'GET', `/ws/listings/${a.listing_id}`);
  await bm('listing detail', 'GET', '/ws/listings/detail?sku=CONF-A');
  await bm('update listing', 'POST', `/ws/listings/${a.id}`,
           { price: '439.00', min_price: '420.00', quantity: 2, currency: 'GBP' });
  const bulk = await bm('bulk upload', 'POST', '/ws/listings', {
    catalog: 'sku,quantity,price\nCONF-A,4,445.00', quotechar: '"',
    delimiter: ',', encoding: 'utf-8' });
  const task = bulk && bulk.status === 200 ? JSON.parse(bulk.text).bodymessage : 1;
  await bm('task pending', 'GET', `/ws/tasks/${task}`);
  await ctl('POST', '/_sim/clock', { advance_ms: 600000 });
  await bm('task done', 'GET', `/ws/tasks/${task}`);
  await bm('backbox', 'GET', `/ws/backbox/v1/competitors/${a.id}`);
  /* error envelopes */
  await bm('401', 'GET', '/ws/listings', undefined,
           { authorization: 'Basic ' + Buffer.from('x:y').toString('base64') });
  await bm('404 listing', 'GET', '/ws/listings/detail?sku=NOPE');
  await bm('404 order', 'GET', '/ws/orders/1');
  await bm('400 bulk', 'POST', '/ws/listings', { delimiter: ',',
           quotechar: '"', encoding: 'utf-8' }, undefined, { badRequest: true });
  await bm('400 currency', 'POST', `/ws/listings/${a.id}`,
           { price: '1.00', currency: 'EUR' });
  await bm('400 transition', 'POST', `/ws/orders/${id1}`,
           { order_id: id1, new_state: 2, sku: 'CONF-A' });
  /* Pro */
  await pro('pro status', 'GET', '/2024-03/status');
  await pro('pro orders', 'GET', '/2024-03/orders?fulfillment_status=unfulfilled&page-size=2');
  await pro('pro order', 'GET', '/2024-03/orders/PRO-100001');
  await pro('pro ship', 'POST', '/2024-03/orders/PRO-100001/shipments',
            { tracking_number: '1Z999', carrier: 'UPS',
              shipped_at: '2026-03-22T12:30:00Z' });
  await pro('pro ship again', 'POST', '/2024-03/orders/PRO-100001/shipments',
            { tracking_number: '1Z999', carrier: 'UPS' });
  await pro('pro 404', 'GET', '/2024-03/orders/PRO-1');
}

async function replayFile(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
  let n = 0;
  for (const l of lines) {
    let e;
    try { e = JSON.parse(l); } catch (err) {
      failures++;
      console.log(`FAIL ${file}: unparseable line`);
      continue;
    }
    const q = e.query ? `?${e.query}` : '';
    const h = {};
    for (const [k, v] of Object.entries(e.headers || {}))
      if (!['host', 'content-length', 'connection', 'authorization',
            'x-api-key', 'accept-encoding', 'expect'].includes(k))
        h[k] = v;
    const label = `${file.split('/').pop()}#${++n}`;
    const body = e.body && e.method !== 'GET' ? e.body : undefined;
    if (e.path.startsWith('/sellers-prod/')) {
      h['x-api-key'] = PRO_KEY;
      await send(proUrl, label, e.method, e.path.slice('/sellers-prod'.length) + q,
                 h, body);
    } else if (e.path.startsWith('/ws/')) {
      h.authorization = `Basic ${tokenFor(h['accept-language'])}`;
      await send(bmUrl, label, e.method, e.path + q, h, body);
    }
  }
}

(async () => {
  await scripted();
  for (const f of traffic) await replayFile(f);
  console.log(`\n${checked} exchanges checked, ${failures} failing, ` +
              `${allowedCount} allowed violations:`);
  for (const [why, n] of allowedSeen) console.log(`  ${n} x ${why}`);
  process.exit(failures ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(2); });
