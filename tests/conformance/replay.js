#!/usr/bin/env node
/*
 * replay.js -- conformance of market-sim and of recorded plugin traffic
 * against Back Market's OpenAPI (and the assumed Pro contract), through
 * Prism's validator (cf_stack.js), judged by cf_check.js:
 *  1. scripted: seeds a live market-sim through /_sim/ and sends every kind
 *     of request a client makes (orders, listings, bulk, Back Box,
 *     listings_bi, category tree, Care, Pro, error envelopes), validating
 *     request and response;
 *  2. recorded: every exchange of the traffic files (BMC_SIM_TRAFFIC_DUMP
 *     of the plugin tests) is validated as it was recorded: the recorded
 *     request goes through prism to a playback upstream that answers the
 *     recorded status, content type and body.  Nothing is replayed
 *     against another seed.
 * Prints the counts and exits 1 on any failure.
 *
 * usage: node replay.js SIM_URL SPEC PRO_SPEC NPM_DIR [traffic.jsonl...]
 */
'use strict';
const fs = require('fs');
const { startStack, exchange, forward } = require('./cf_stack');
const { Checker } = require('./cf_check');

const [simUrl, spec, proSpec, npmDir, ...traffic] = process.argv.slice(2);
/* Real tokens are Basic credentials (base64 of user:secret, ref 1.2). */
const b64 = (s) => Buffer.from(s).toString('base64');
const TOKEN = b64('conformance@example.test:0123456789abcdef');
const PLATFORM_TOKENS = { eu: TOKEN, na: b64('conformance-na@example.test:0123456789abcdef'),
                          ap: b64('conformance-ap@example.test:0123456789abcdef') };
const PRO_KEY = 'conformance-pro-key';
const UA = 'BM-Conformance-Replay;qa@example.test';
const checker = new Checker({ spec, proSpec, npmDir });
const verbose = !!process.env.BMC_CONFORMANCE_VERBOSE;
let mode = 'sim', playing = null;

function route(req, body) {
  if (mode === 'sim') return forward(simUrl, req, body);
  const e = playing;
  const h = {};
  /* an injected fault's body (truncated JSON, an HTML page) is played back
     as opaque bytes: the request is validated, the response is not */
  if (e.fault && e.fault !== 'delay') h['content-type'] = 'application/octet-stream';
  else if (e.content_type) h['content-type'] = e.content_type;
  return Promise.resolve({ status: e.status, headers: h,
                           body: Buffer.from(e.response || '', 'utf8') });
}

async function ctl(method, path, body) {
  const r = await fetch(simUrl + path, { method, headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body) });
  const t = await r.text();
  if (r.status >= 300) throw new Error(`control ${method} ${path} -> ${r.status} ${t}`);
  return t ? JSON.parse(t) : {};
}

async function send(stack, kind, label, method, path, headers, body, extra) {
  const r = await exchange(stack, method, path, headers, body);
  if (r.error) {
    checker.fail(`${label}: ${method} ${path}`, `transport error ${r.error}`);
    return null;
  }
  if (verbose) for (const v of r.violations) console.log(`     (violation) ${(v.location || []).join('.')} ${v.message}`);
  const ok = checker.judge({ kind, label, method, path, reqHeaders: headers,
    reqBody: body ? String(body) : '', status: r.status, violations: r.violations,
    fault: (extra && extra.fault) || r.headers['x-sim-fault'] || null,
    negative: !!(extra && extra.negative) });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}: ${method} ${path} -> ${r.status}`);
  return { status: r.status, text: r.body.toString('utf8') };
}

function bmHeaders(extra) {
  const h = { authorization: `Basic ${TOKEN}`, 'user-agent': UA, accept: 'application/json',
              'accept-language': 'en-gb', 'content-type': 'application/json', ...(extra || {}) };
  for (const k of Object.keys(h)) if (h[k] === null) delete h[k];
  return h;
}

const BOUNDARY = 'conformance-7MA4YWxkTrZu0gW';
/* A multipart body; attachments come as two parts or more, since one part
   reads as a single value, not the array the spec declares. */
function multipart(fields, files) {
  let s = '';
  for (const [k, v] of Object.entries(fields))
    s += `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
  for (const f of files || [])
    s += `--${BOUNDARY}\r\nContent-Disposition: form-data; name="attachment"; ` +
         `filename="${f}"\r\nContent-Type: image/jpeg\r\n\r\nJPEGDATA\r\n`;
  return s + `--${BOUNDARY}--\r\n`;
}

async function scripted(stack) {
  const bm = (label, method, path, body, extra, opts) =>
    send(stack, 'scripted', label, method, path, bmHeaders(extra),
         body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)), opts);
  const pro = (label, method, path, body) =>
    send(stack, 'scripted', label, method, `/sellers-prod${path}`,
         { 'x-api-key': PRO_KEY, accept: 'application/json', 'content-type': 'application/json' },
         body === undefined ? undefined : JSON.stringify(body));
  await ctl('POST', '/_sim/reset');
  await ctl('POST', '/_sim/clock', { set_ms: 1774180800000 });
  await ctl('POST', '/_sim/merchants', { id: 789, name: 'Conformance' });
  for (const [platform, token] of Object.entries(PLATFORM_TOKENS))
    await ctl('POST', '/_sim/tokens', { token, merchant_id: 789, platform });
  const a = await ctl('POST', '/_sim/listings', { merchant_id: 789, sku: 'CONF-A', quantity: 5,
    grade: 'FAIR', title: 'MacBook Air 13-inch (2020)',
    markets: { 'en-gb': { price: '449.00', currency: 'GBP', min_price: '430.00',
                          max_price: '639.00', comment: 'Light signs of use' } } });
  await ctl('POST', '/_sim/listings', { merchant_id: 789, sku: 'CONF-B', quantity: 3,
    markets: { 'en-gb': { price: '120.00', max_price: '150.50' } } });
  await ctl('POST', '/_sim/backbox', { listing: 'CONF-A', market: 'en-gb',
    price_to_win: '441.00', winner_price: '442.00', min_price: '430.00' });
  const o1 = await ctl('POST', '/_sim/customer_order', { merchant_id: 789, sku: 'CONF-A', market: 'en-gb' });
  const o2 = await ctl('POST', '/_sim/orders', { merchant_id: 789, market: 'en-gb',
    lines: [{ sku: 'CONF-A', quantity: 1 }, { sku: 'CONF-B', quantity: 2, price: '240.00' }] });
  const o3 = await ctl('POST', '/_sim/customer_order', { merchant_id: 789, sku: 'CONF-B', market: 'en-gb' });
  const o4 = await ctl('POST', '/_sim/customer_order', { merchant_id: 789, sku: 'CONF-A', market: 'en-gb' });
  const care = await ctl('POST', '/_sim/care', { orderline_id: o3.orderlines[0].id,
    message: 'The screen flickers', issue: 'SCREEN_FLICKERING', tag: 'TECHNICAL' });
  const legacy = await ctl('POST', '/_sim/care', { orderline_id: o1.orderlines[0].id, id: 41234567 });
  await ctl('POST', '/_sim/pro/keys', { key: PRO_KEY, seller_id: 'SELLER-1', seller_name: 'Conformance Pro' });
  for (let i = 0; i < 3; i++)
    await ctl('POST', '/_sim/pro/orders', { seller_id: 'SELLER-1', shipping_total: '10.00',
      lines: [{ sku: 'PRO-SKU', title: 'Laptop', quantity: 2, unit_price: '100.00', tax_rate: '20' }] });
  const id1 = o1.order_id, id2 = o2.order_id;
  await bm('list orders', 'GET', '/ws/orders');
  await bm('list paid, paged', 'GET', '/ws/orders?state=1&page-size=1');
  await bm('list since', 'GET', '/ws/orders?date_modification=2026-03-22T00:00:00Z&page=1');
  await bm('get order', 'GET', `/ws/orders/${id1}`);
  await bm('accept', 'POST', `/ws/orders/${id1}`, { order_id: id1, new_state: 2, sku: 'CONF-A' });
  await bm('ship', 'POST', `/ws/orders/${id1}`, { order_id: id1, new_state: 3,
    tracking_number: 'MV000000001GB', tracking_url: 'https://t.example/MV000000001GB',
    shipper: 'Royal Mail', imei: '356938035643809' });
  await bm('cancel line', 'POST', `/ws/orders/${id2}`, { order_id: id2, new_state: 4, sku: 'CONF-B' });
  await bm('patch orderline', 'PATCH', `/ws/orderlines/${o3.orderlines[0].id}`,
           { serial_number: 'SN0000000002' });
  await bm('list listings', 'GET', '/ws/listings');
  await bm('listings online', 'GET', '/ws/listings?publication_state=2&page-size=1');
  await bm('get listing uuid', 'GET', `/ws/listings/${a.id}`);
  await bm('get listing legacy', 'GET', `/ws/listings/${a.listing_id}`);
  await bm('listing detail', 'GET', '/ws/listings/detail?sku=CONF-A');
  await bm('update listing', 'POST', `/ws/listings/${a.id}`,
           { price: '439.00', min_price: '420.00', quantity: 2, currency: 'GBP' });
  const bulk = await bm('bulk upload', 'POST', '/ws/listings', { catalog: 'sku,quantity,price\nCONF-A,4,445.00',
    quotechar: '"', delimiter: ',', encoding: 'utf-8' });
  const task = bulk && bulk.status === 200 ? JSON.parse(bulk.text).bodymessage : 1;
  await bm('task pending', 'GET', `/ws/tasks/${task}`);
  await ctl('POST', '/_sim/clock', { advance_ms: 600000 });
  await bm('task done', 'GET', `/ws/tasks/${task}`);
  await bm('backbox', 'GET', `/ws/backbox/v1/competitors/${a.id}`);
  await bm('listings_bi', 'GET', '/ws/listings_bi?page=1&page-size=10');
  await bm('category tree', 'GET', '/ws/category/tree');
  await bm('category branch', 'GET', '/ws/category/tree/2');
  await bm('category 404', 'GET', '/ws/category/tree/999');
  await bm('care list', 'GET', '/ws/sav?state=0&page=1');
  await bm('care list since', 'GET', '/ws/sav?last_modification_date=2026-03-22-00-00');
  await bm('care detail', 'GET', `/ws/sav/${care.id}`);
  await bm('care message', 'POST', `/ws/sav/${care.id}/msg`,
           multipart({ message: 'Please send it back' }, ['label.pdf', 'photo.jpg']),
           { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` });
  await bm('care problem', 'POST', `/ws/sav/${care.id}/problem`,
           multipart({ problem_type: 'DAMAGED_PACKAGE', message: 'Box crushed' },
                     ['box.jpg', 'label.jpg']),
           { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` });
  await bm('care item transfer', 'POST', `/ws/sav/${legacy.id}/item-transfer`,
           { shipperName: 'DHL', trackingNumber: 'JD014600006281230704', action: 'REPAIR' });
  await bm('care refund', 'POST', '/ws/sav/refund',
           { orderline_pk: o4.orderlines[0].id, refund_type: 4 });
  await bm('care 404', 'GET', '/ws/sav/1');
  /* error envelopes */
  await bm('401', 'GET', '/ws/listings', undefined, { authorization: `Basic ${b64('x:y')}` });
  await bm('404 listing', 'GET', '/ws/listings/detail?sku=NOPE');
  await bm('404 order', 'GET', '/ws/orders/1');
  await bm('400 currency', 'POST', `/ws/listings/${a.id}`, { price: '1.00', currency: 'EUR' });
  await bm('400 transition', 'POST', `/ws/orders/${id1}`, { order_id: id1, new_state: 2, sku: 'CONF-A' });
  /* deliberately invalid requests: prism must report them */
  await bm('invalid: bulk without catalog', 'POST', '/ws/listings',
           { delimiter: ',', quotechar: '"', encoding: 'utf-8' }, undefined, { negative: true });
  await bm('invalid: state not an integer', 'GET', '/ws/orders?state=paid', undefined, undefined,
           { negative: true });
  await bm('invalid: no credential', 'GET', '/ws/orders', undefined, { authorization: null },
           { negative: true });
  /* Pro */
  await pro('pro status', 'GET', '/2024-03/status');
  await pro('pro orders', 'GET', '/2024-03/orders?fulfillment_status=unfulfilled&page-size=2');
  await pro('pro order', 'GET', '/2024-03/orders/PRO-100001');
  await pro('pro ship', 'POST', '/2024-03/orders/PRO-100001/shipments',
            { tracking_number: '1Z999', carrier: 'UPS', shipped_at: '2026-03-22T12:30:00Z' });
  await pro('pro ship again', 'POST', '/2024-03/orders/PRO-100001/shipments',
            { tracking_number: '1Z999', carrier: 'UPS' });
  await pro('pro 404', 'GET', '/2024-03/orders/PRO-1');
}

const HOP = ['host', 'content-length', 'connection', 'accept-encoding', 'expect',
             'transfer-encoding', 'keep-alive'];

async function recordedFile(stack, file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
  const name = file.split('/').pop();
  let n = 0;
  for (const l of lines) {
    let e;
    n++;
    try { e = JSON.parse(l); } catch (err) {
      checker.fail(`${name}#${n}`, 'unparseable traffic line');
      continue;
    }
    const h = {};
    for (const [k, v] of Object.entries(e.headers || {}))
      if (!HOP.includes(k.toLowerCase())) h[k] = v;
    /* Credentials are masked in recordings; their form is checked as
       recorded (judge), then a well-formed stand-in lets prism decode it. */
    const ap = checker.authProblem(e.path, h);
    if (!ap) {
      if (e.path.startsWith('/sellers-prod/')) h['x-api-key'] = PRO_KEY;
      else h.authorization = `Basic ${TOKEN}`;
    }
    const q = e.query ? `?${e.query}` : '';
    playing = e;
    const body = e.body && e.method !== 'GET' && e.method !== 'HEAD' ? e.body : undefined;
    const r = await exchange(stack, e.method, e.path + q, h, body);
    if (r.error) {
      checker.fail(`${name}#${n}`, `transport error ${r.error}`);
      continue;
    }
    const ok = checker.judge({ kind: 'recorded', label: `${name}#${n}`, method: e.method,
      path: e.path + q, reqHeaders: ap ? h : { ...e.headers }, reqBody: e.body || '',
      status: e.status, violations: r.violations, fault: e.fault || null });
    if (!ok || verbose) console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}#${n}: ${e.method} ${e.path} -> ${e.status}`);
  }
  console.log(`recorded: ${name}: ${n} exchanges`);
}

(async () => {
  const stack = await startStack({ npmDir, spec, proSpec, route });
  let rc = 2;
  try {
    if (!process.env.BMC_CONFORMANCE_RECORDED_ONLY) await scripted(stack);
    mode = 'playback';
    for (const f of traffic) await recordedFile(stack, f);
    rc = checker.report(console.log) ? 1 : 0;
  } finally {
    stack.stop();
  }
  process.exit(rc);
})().catch((e) => { console.error(e); process.exit(2); });
