// Applicants that apply over plain HTTP (no browser), to fill a bureau's queue before a
// browser test works through it: each registers an organisation, starts an application,
// saves a fixture's answers, uploads its files and submits, through the same forms and
// checks as the pages. Each applicant sends from a loopback address of its own
// (127.0.1.n), as separate clients would, so the per-client registration limit applies to
// each on its own.
import assert from "node:assert/strict";
import http from "node:http";
import { BASE, content } from "./journey.mjs";

/** Form fields of an answers object, as the edit page posts them (see `form::fields_of`). */
export function formPairs(answers) {
  const scalar = (v) => (v === null || v === undefined ? "" : typeof v === "object" ? "" : String(v));
  const out = [];
  for (const [key, v] of Object.entries(answers)) {
    const base = `f.${key}`;
    if (Array.isArray(v) && v.every((x) => x && typeof x === "object" && !Array.isArray(x))) {
      out.push([`n.${key}`, String(v.length)]);
      v.forEach((row, i) => {
        for (const [col, cell] of Object.entries(row)) {
          if (Array.isArray(cell)) cell.forEach((x) => out.push([`${base}[${i}].${col}`, scalar(x)]));
          else out.push([`${base}[${i}].${col}`, scalar(cell)]);
        }
      });
    } else if (Array.isArray(v)) {
      v.forEach((x) => out.push([base, scalar(x)]));
    } else if (v && typeof v === "object") {
      for (const [k, inner] of Object.entries(v)) {
        if (inner && typeof inner === "object" && !Array.isArray(inner)) {
          for (const [c, cell] of Object.entries(inner)) out.push([`${base}.${k}.${c}`, scalar(cell)]);
        } else out.push([`${base}.${k}`, scalar(inner)]);
      }
    } else out.push([base, scalar(v)]);
  }
  return out;
}

/** A client with a cookie jar of its own, sending from `localAddress`. */
export class HttpClient {
  constructor(localAddress) {
    this.localAddress = localAddress;
    this.cookies = new Map();
  }

  /** One request; answers `{ status, location, body }` (redirects are not followed). */
  request(method, path, { body, type } = {}) {
    const url = new URL(path, BASE);
    const headers = { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ") };
    if (body !== undefined) {
      headers["content-type"] = type;
      headers["content-length"] = Buffer.byteLength(body);
    }
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers, localAddress: this.localAddress },
        (res) => {
          for (const c of res.headers["set-cookie"] || []) {
            const [pair] = c.split(";");
            const i = pair.indexOf("=");
            this.cookies.set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
          }
          const chunks = [];
          res.on("data", (c) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode, location: res.headers.location || "", body: Buffer.concat(chunks).toString("utf8") }));
        },
      );
      req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${path}: no answer in 60 s`)));
      req.on("error", reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  get(path) {
    return this.request("GET", path);
  }

  /** Posts `pairs` ([name, value]…) with the CSRF token of page `from`. */
  async post(from, path, pairs) {
    const page = await this.get(from);
    const csrf = page.body.match(/name="csrf" value="([^"]*)"/)?.[1];
    assert.ok(csrf, `a CSRF token on ${from}`);
    const body = new URLSearchParams([["csrf", csrf], ...pairs]).toString();
    return this.request("POST", path, { body, type: "application/x-www-form-urlencoded" });
  }

  /** Uploads `bytes` as `name` into `slot` of application `id`. */
  async upload(id, slot, name, bytes) {
    const page = await this.get(`/applications/${id}/edit`);
    const csrf = page.body.match(/name="csrf" value="([^"]*)"/)?.[1];
    const boundary = `----e2e${Math.random().toString(16).slice(2)}`;
    const part = (head, data) => Buffer.concat([Buffer.from(`--${boundary}\r\n${head}\r\n\r\n`), Buffer.from(data), Buffer.from("\r\n")]);
    const body = Buffer.concat([
      part('Content-Disposition: form-data; name="csrf"', csrf),
      part('Content-Disposition: form-data; name="slot"', slot),
      part(`Content-Disposition: form-data; name="file"; filename="${name.replace(/"/g, "")}"\r\nContent-Type: application/octet-stream`, bytes),
      Buffer.from(`--${boundary}--\r\n`),
    ]);
    return this.request("POST", `/applications/${id}/files`, { body, type: `multipart/form-data; boundary=${boundary}` });
  }
}

/**
 * Registers `org` as `username` from loopback address `localAddress`, then applies to `call`
 * with fixture `fx` (its answers already carrying the organisation) and submits. Returns the
 * application id.
 */
export async function applyOverHttp(localAddress, username, org, call, fx) {
  const c = new HttpClient(localAddress);
  let r = await c.post("/register", "/register", [
    ["uscc", org.uscc], ["org_name", org.name], ["region", org.region], ["contact", "联系人"],
    ["username", username], ["password", "Queue-2025-secret"], ["confirm", "Queue-2025-secret"],
  ]);
  assert.equal(r.status, 303, `registered ${username}: ${r.body.slice(0, 300)}`);
  const direction = fx.subdirection ? `${fx.direction}/${fx.subdirection}` : fx.direction;
  r = await c.post(`/calls/${call}`, `/calls/${call}/applications`, [["direction", direction]]);
  assert.equal(r.status, 303, `started: ${r.body.slice(0, 300)}`);
  const id = Number(r.location.split("/")[2]);
  const edit = await c.get(`/applications/${id}/edit`);
  const version = edit.body.match(/name="version" value="([^"]*)"/)?.[1];
  r = await c.post(`/applications/${id}/edit`, `/applications/${id}/edit`, [["version", version], ...formPairs(fx.answers)]);
  assert.equal(r.status, 303, `saved: ${r.body.slice(0, 300)}`);
  for (const f of fx.files) {
    r = await c.upload(id, f.slot, f.name, content(f.type, Math.min(f.size, 64 * 1024)));
    assert.equal(r.status, 303, `uploaded ${f.name}`);
  }
  const submit = await c.get(`/applications/${id}/submit`);
  const sv = submit.body.match(/name="version" value="([^"]*)"/)?.[1];
  r = await c.post(`/applications/${id}/submit`, `/applications/${id}/submit`, [
    ["version", sv], ["justification", "情况说明：以上提示事项已逐项核实。"], ["accept", "1"],
  ]);
  assert.equal(r.status, 303, `submitted ${id}: ${r.body.slice(0, 500)}`);
  return id;
}
