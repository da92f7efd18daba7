/*
 * cf_stack.js -- the validating stack every conformance check goes
 * through: Prism's HTTP validator (@stoplight/prism-http, the engine of
 * `prism proxy`, run in this process so that no violation is lost to the
 * 8 KB cap prism's server puts on its sl-violations header) in proxy mode,
 * one instance with Back Market's OpenAPI and one with the assumed Pro
 * contract (/sellers-prod), both forwarding to a router on 127.0.0.1
 * (port 0).  The router answers what the caller's route() says: forward to
 * a live market-sim, or play a recorded response back as recorded.
 * exchange() sends one request through the right instance and returns the
 * response as the upstream sent it, with every request and response
 * violation.  Node >= 18; only the prism install under NPM_DIR.
 */
'use strict';
const http = require('http');
const path = require('path');

/* Forward a request to a live server (base "http://127.0.0.1:N"). */
function forward(base, req, body, hostHeader) {
  return new Promise((resolve) => {
    const u = new URL(base);
    const headers = { ...req.headers };
    delete headers['content-length'];
    if (hostHeader) headers.host = hostHeader;
    const r = http.request({ host: u.hostname, port: u.port, method: req.method,
      path: req.url, headers: { ...headers, 'content-length': body.length } },
    (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers,
        body: Buffer.concat(chunks) }));
      res.on('error', () => resolve({ status: 502, headers: {}, body: Buffer.from('') }));
    });
    r.on('error', (e) => resolve({ status: 502, headers: { 'content-type': 'text/plain' },
      body: Buffer.from(`upstream error: ${e.message}`) }));
    r.end(body);
  });
}

const SEVERITY = ['Error', 'Warning', 'Information', 'Hint'];

/* route(req, body) -> Promise<{status, headers, body}> */
async function startStack({ npmDir, spec, proSpec, route }) {
  const mod = (m) => require(path.resolve(npmDir, 'node_modules', m));
  const ph = mod('@stoplight/prism-http');
  const logger = mod('pino')({ level: 'silent' });
  const raw = new Map();
  let next = 0;
  const router = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const id = req.headers['x-cf-exchange'];
      delete req.headers['x-cf-exchange'];
      let out;
      try { out = await route(req, Buffer.concat(chunks)); } catch (e) {
        out = { status: 500, headers: { 'content-type': 'text/plain' },
          body: Buffer.from(`conformance router: ${e.message}`) };
      }
      if (id) raw.set(id, out);
      const h = { ...out.headers };
      for (const k of ['content-length', 'transfer-encoding', 'connection', 'keep-alive',
                       'content-encoding'])
        delete h[k];
      res.writeHead(out.status, h);
      res.end(out.body);
    });
  });
  await new Promise((r) => router.listen(0, '127.0.0.1', r));
  const rurl = `http://127.0.0.1:${router.address().port}`;
  const instance = async (file, upstream) => {
    const operations = await ph.getHttpOperationsFromSpec(file);
    const config = { validateRequest: true, validateResponse: true, checkSecurity: true,
      errors: false, upstreamProxy: undefined, isProxy: true, upstream: new URL(upstream),
      mock: { dynamic: false } };
    return { prism: ph.createInstance(config, { logger }), operations, config };
  };
  const [bm, pro] = await Promise.all([instance(spec, rurl),
                                      instance(proSpec, `${rurl}/sellers-prod`)]);
  return { bm, pro, raw, routerUrl: rurl, newId: () => String(++next),
           stop() { router.close(); } };
}

/* Body as prism's own server hands it to the validator: JSON parsed, any
   other type as text, nothing without a body. */
function prismBody(headers, body) {
  if (!body || !body.length) return undefined;
  const ct = String(headers['content-type'] || '');
  const text = body.toString('utf8');
  if (/^application\/(.+\+)?json/i.test(ct)) {
    try { return JSON.parse(text); } catch (e) { return text; }
  }
  return text;
}

/* One request through the validator of its API (/sellers-prod/... to the
   Pro contract, mounted at /sellers-prod; the rest to Back Market's).
   Returns {status, headers, body (Buffer, as the upstream sent it),
   violations[{location, severity, code, message}]} or {error}. */
async function exchange(stack, method, p, headers, body) {
  const isPro = p.startsWith('/sellers-prod/');
  const inst = isPro ? stack.pro : stack.bm;
  const u = new URL(isPro ? p.slice('/sellers-prod'.length) : p, 'http://example.com');
  const query = {};
  for (const k of u.searchParams.keys()) {
    const v = u.searchParams.getAll(k);
    query[k] = v.length === 1 ? v[0] : v;
  }
  const id = stack.newId();
  const h = {};
  for (const [k, v] of Object.entries(headers || {})) if (v !== undefined && v !== null) h[k.toLowerCase()] = String(v);
  h['x-cf-exchange'] = id;
  const buf = body === undefined || body === null ? undefined :
    Buffer.isBuffer(body) ? body : Buffer.from(String(body), 'utf8');
  const input = { method: method.toLowerCase(), url: { path: u.pathname, query },
                  headers: h, body: prismBody(h, buf) };
  let r;
  try {
    r = await inst.prism.request(input, inst.operations, inst.config)();
  } catch (e) {
    return { error: e.message };
  }
  const raw = stack.raw.get(id);
  stack.raw.delete(id);
  if (r._tag !== 'Right')
    return { error: `prism: ${r.left && (r.left.detail || r.left.message || r.left)}` };
  const v = r.right.validations;
  const conv = (pre) => (x) => ({ location: [pre, ...(x.path || [])], code: x.code,
    message: x.message, severity: SEVERITY[x.severity] || String(x.severity) });
  const violations = v.input.map(conv('request')).concat(v.output.map(conv('response')));
  if (!raw) return { error: 'the upstream was not reached' };
  const hdrs = {};
  for (const [k, val] of Object.entries(raw.headers || {})) hdrs[k.toLowerCase()] = val;
  return { status: raw.status, headers: hdrs, body: raw.body, violations };
}

module.exports = { startStack, exchange, forward };
