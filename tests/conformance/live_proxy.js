#!/usr/bin/env node
/*
 * live_proxy.js -- a live validating proxy for the plugin integration
 * tests: plugins talk to it as their base_url; every request goes through
 * Prism's validator in proxy mode (cf_stack.js: Back Market's OpenAPI, or
 * the Pro contract for /sellers-prod) to the market-sim the current test
 * registered, and
 * cf_check.js judges the request and the response as they happen.  The
 * sim's URL is read from TARGET_FILE at each request (tests/harness writes
 * it when it starts a sim).  Requests reach the sim with the proxy's Host,
 * so next/previous URLs point back at the proxy.  GET /_bmc_live/report
 * returns the counts and failures as text and "FAILURES: N" on the last
 * line.  Writes "READY <url>" to stdout once listening.
 *
 * usage: node live_proxy.js SPEC PRO_SPEC NPM_DIR TARGET_FILE
 */
'use strict';
const fs = require('fs');
const http = require('http');
const { startStack, exchange, forward } = require('./cf_stack');
const { Checker } = require('./cf_check');

const [spec, proSpec, npmDir, targetFile] = process.argv.slice(2);
const checker = new Checker({ spec, proSpec, npmDir });
let frontHost = '';
let seq = 0;

function target() {
  try { return fs.readFileSync(targetFile, 'utf8').trim(); } catch (e) { return ''; }
}

function route(req, body) {
  const t = target();
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(t))
    return Promise.resolve({ status: 502, headers: { 'content-type': 'text/plain' },
      body: Buffer.from(`live proxy: no market-sim registered in ${targetFile}`) });
  return forward(t, req, body, frontHost);
}

(async () => {
  const stack = await startStack({ npmDir, spec, proSpec, route });
  const front = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      if (req.url === '/_bmc_live/report') {
        const lines = [];
        const n = checker.report((l) => lines.push(l));
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`${lines.join('\n')}\nFAILURES: ${n}\n`);
        return;
      }
      const h = { ...req.headers };
      for (const k of ['host', 'content-length', 'connection', 'transfer-encoding', 'expect'])
        delete h[k];
      const r = await exchange(stack, req.method, req.url, h, body);
      if (r.error) {
        checker.fail(`live#${++seq}: ${req.method} ${req.url}`, `transport error ${r.error}`);
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`live proxy: ${r.error}`);
        return;
      }
      checker.judge({ kind: 'live', label: `live#${++seq}`, method: req.method, path: req.url,
        reqHeaders: req.headers, reqBody: body.toString('utf8'), status: r.status,
        violations: r.violations, fault: r.headers['x-sim-fault'] || null });
      const out = {};
      for (const [k, v] of Object.entries(r.headers))
        if (k !== 'sl-violations' && !k.startsWith('access-control-') &&
            !['content-length', 'transfer-encoding', 'connection', 'keep-alive',
              'content-encoding'].includes(k))
          out[k] = v;
      res.writeHead(r.status, out);
      res.end(r.body);
    });
  });
  front.listen(0, '127.0.0.1', () => {
    frontHost = `127.0.0.1:${front.address().port}`;
    process.stdout.write(`READY http://${frontHost}\n`);
  });
  const stop = () => { stack.stop(); front.close(); process.exit(0); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
})().catch((e) => { console.error(e); process.exit(2); });
