// Shared helpers of the browser journeys (call-journey.mjs, run by the journey-*.test.mjs
// files): the browser, one context per user, registering an organisation (with a valid
// USCC built here) and logging in through the pages, filling an application form from a
// fixture of the core's test suite, uploading its files, downloads and their OOXML text, and
// screenshots.
//
// Environment (set by `bash scripts/e2e`):
//   SHENBAO_E2E_PORT      the server's port on 127.0.0.1
//   SHENBAO_E2E_ACCOUNTS  JSON {"demo_…": "password", …} of every demo account
//   E2E_SCREENSHOTS       where the screenshots go (default /tmp/shenbao-e2e)
//   SHENBAO_E2E_CHROMIUM  the browser (default /usr/bin/chromium)
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const PORT = process.env.SHENBAO_E2E_PORT;
const ACCOUNTS_JSON = process.env.SHENBAO_E2E_ACCOUNTS;
if (!PORT || !ACCOUNTS_JSON) {
  throw new Error("SHENBAO_E2E_PORT and SHENBAO_E2E_ACCOUNTS are not set: run `bash scripts/e2e`");
}
export const BASE = `http://127.0.0.1:${PORT}`;
export const ACCOUNTS = JSON.parse(ACCOUNTS_JSON);
export const SHOTS = process.env.E2E_SCREENSHOTS || "/tmp/shenbao-e2e";
const CHROMIUM = process.env.SHENBAO_E2E_CHROMIUM || "/usr/bin/chromium";
const HERE = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.join(HERE, "..", "crates", "shenbao_core", "tests", "fixtures");

export const STEP = { timeout: 90_000 };

/** A browser with one context per user; records script errors and off-host requests. */
export class Journey {
  constructor(prefix) {
    this.prefix = prefix;
    this.browser = null;
    this.pages = new Map();
    this.pageErrors = [];
    // Only the accessibility test sets it: axe-core is injected as an inline script.
    this.bypassCSP = false;
    this.offHost = [];
    this.shots = [];
  }

  async start() {
    mkdirSync(SHOTS, { recursive: true });
    this.browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  }

  async close() {
    await this.browser?.close();
  }

  /** A fresh context (cookies of its own) and page for `who`. */
  async page(who) {
    if (this.pages.has(who)) return this.pages.get(who);
    const context = await this.browser.newContext({ viewport: { width: 1366, height: 900 }, locale: "zh-CN", bypassCSP: this.bypassCSP });
    context.setDefaultTimeout(15_000);
    context.setDefaultNavigationTimeout(30_000);
    // Every request must stay on the loopback server; anything else is recorded and refused.
    await context.route("**/*", (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === "127.0.0.1" || url.protocol === "data:") return route.continue();
      this.offHost.push(url.href);
      return route.abort();
    });
    const p = await context.newPage();
    p.on("pageerror", (e) => this.pageErrors.push(`${who} ${p.url()}: ${e.message}`));
    // The server's Content-Security-Policy allows no inline script or style: anything the
    // policy blocks is an error of the page.
    p.on("console", (m) => {
      if (m.type() === "error" && /Content Security Policy/i.test(m.text())) this.pageErrors.push(`${who} ${p.url()}: ${m.text()}`);
    });
    this.pages.set(who, p);
    return p;
  }

  /** Logs `username` in through the login page, in a context of its own; returns the page. */
  async login(username) {
    const password = ACCOUNTS[username];
    assert.ok(password, `no password for ${username} in SHENBAO_E2E_ACCOUNTS`);
    const p = await this.page(username);
    await p.goto(`${BASE}/`);
    await p.locator(".nav").getByRole("link", { name: "登录" }).click();
    await p.waitForURL(/\/login/);
    await p.locator("input[name=username]").fill(username);
    await p.locator("input[name=password]").fill(password);
    await Promise.all([p.waitForURL((u) => !u.pathname.startsWith("/login")), p.getByRole("button", { name: "登录" }).click()]);
    await p.locator(".nav").getByRole("button", { name: "退出" }).waitFor();
    return p;
  }

  /** `username`'s page: logged in already, or through the login page now; at the home page. */
  async as(username) {
    if (!this.pages.has(username)) return this.login(username);
    const p = this.pages.get(username);
    await p.goto(`${BASE}/`);
    return p;
  }

  async shoot(p, name, options = {}) {
    const file = path.join(SHOTS, `${this.prefix}-${name}.png`);
    await p.screenshot({ path: file, fullPage: true, ...options });
    this.shots.push(file);
    return file;
  }
}

/** Clicks `locator` and waits for the navigation it starts (a form post and its redirect). */
export async function clickAndWait(p, locator, url) {
  // A mark on the current document: gone once the next document has loaded.
  await p.evaluate(() => { window.__e2eOld = true; });
  await locator.click();
  await p.waitForFunction(() => !window.__e2eOld && document.readyState === "complete", null, { timeout: 30_000 });
  if (url) await p.waitForURL(url, { timeout: 5_000 });
}

/** A valid fixture with the demo organisation's code, name and region in place of its own. */
export function fixture(call, name, org) {
  const fx = JSON.parse(readFileSync(path.join(FIXTURES, call, name), "utf8"));
  let text = JSON.stringify(fx.answers);
  for (const [from, to] of [
    [fx.profile.uscc, org.uscc],
    [fx.profile.name, org.name],
    [fx.profile.region, org.region],
  ]) {
    if (from && to && from !== to) text = text.split(from).join(to);
  }
  fx.answers = JSON.parse(text);
  fx.profile = { ...org };
  return fx;
}

/** File content of `kind` and `size` that the server recognises by its magic bytes. */
export function content(kind, size) {
  let head;
  switch (kind) {
    case "pdf": head = Buffer.from("%PDF-1.7\n"); break;
    case "jpg": head = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]); break;
    case "png": head = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]); break;
    case "mp4": head = Buffer.from("\x00\x00\x00\x18ftypisom", "latin1"); break;
    case "docx": case "xlsx": case "ofd": {
      const zip = Buffer.alloc(30);
      zip.write("PK\x03\x04", 0, "latin1");
      const entry = { docx: "word/document.xml", xlsx: "xl/workbook.xml", ofd: "OFD.xml" }[kind];
      head = Buffer.concat([zip, Buffer.from(entry)]);
      break;
    }
    default: head = Buffer.from("plain text");
  }
  const out = Buffer.alloc(Math.max(size, head.length), 0x20);
  head.copy(out, 0);
  return out;
}

const MIME = {
  pdf: "application/pdf",
  jpg: "image/jpeg",
  png: "image/png",
  mp4: "video/mp4",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  ofd: "application/ofd",
};

const scalar = (v) => (v === null || v === undefined ? "" : String(v));
const css = (s) => s.replace(/["\\]/g, "\\$&");

/**
 * Fills one input named `name` with `value` the way a person would: ticks the radio button or
 * check box of that value, picks from a select, types into text boxes and text areas, and
 * chooses province / city / county in a division picker (its code input is hidden by app.js).
 */
async function fillInput(form, name, value) {
  const els = form.locator(`[name="${css(name)}"]`);
  const n = await els.count();
  assert.ok(n > 0, `no input named ${name} on the form`);
  const first = els.first();
  const [tag, type] = await first.evaluate((el) => [el.tagName.toLowerCase(), (el.getAttribute("type") || "").toLowerCase()]);
  const values = Array.isArray(value) ? value.map(scalar) : [scalar(value)];
  if (type === "radio" || type === "checkbox") {
    for (const v of values) {
      await form.locator(`[name="${css(name)}"][value="${css(v)}"]`).check();
    }
    return;
  }
  if (tag === "select") {
    await first.selectOption(values[0]);
    return;
  }
  if (type === "hidden") {
    // The division picker: three selects before the hidden code input.
    const picker = form.locator(`[data-region-picker]:has([name="${css(name)}"])`);
    assert.equal(await picker.count(), 1, `${name} is hidden and no division picker`);
    const code = values[0];
    const steps = [code.slice(0, 2) + "0000", code.slice(0, 4) + "00", code].filter((c, i, a) => a.indexOf(c) === i);
    const selects = picker.locator("select");
    for (let i = 0; i < steps.length; i++) {
      const select = selects.nth(i);
      await select.locator(`option[value="${steps[i]}"]`).waitFor({ state: "attached" });
      await select.selectOption(steps[i]);
    }
    await assertEventually(async () => await first.inputValue(), code, `${name} picked`);
    return;
  }
  if (type === "date") {
    // A date picker holds ISO dates: a person picks the day the fixture writes as 2023年1月1日.
    const m = values[0].match(/^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$/);
    if (m) values[0] = `${m[1]}-${m[2].padStart(2, "0")}-${m[3].padStart(2, "0")}`;
  }
  await first.fill(values[0]);
  if (type === "date") assert.equal(await first.inputValue(), values[0], `${name} holds the date`);
}

async function assertEventually(read, want, message, ms = 5_000) {
  const end = Date.now() + ms;
  let got = await read();
  while (got !== want && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    got = await read();
  }
  assert.equal(got, want, message);
}

/** The (name, value) inputs of one answer, in the form's naming (see form.rs and form_pairs). */
function inputsOf(key, v) {
  const base = `f.${key}`;
  if (Array.isArray(v) && v.length > 0 && v.every((x) => x && typeof x === "object" && !Array.isArray(x))) {
    const out = [];
    v.forEach((row, i) => {
      for (const [col, cell] of Object.entries(row)) out.push([`${base}[${i}].${col}`, cell]);
    });
    return { rows: v.length, inputs: out };
  }
  if (Array.isArray(v)) return { inputs: [[base, v]] };
  if (v && typeof v === "object") {
    const out = [];
    for (const [k, inner] of Object.entries(v)) {
      if (inner && typeof inner === "object" && !Array.isArray(inner)) {
        for (const [c, cell] of Object.entries(inner)) out.push([`${base}.${k}.${c}`, cell]);
      } else {
        out.push([`${base}.${k}`, inner]);
      }
    }
    return { inputs: out };
  }
  return { inputs: [[base, v]] };
}

/**
 * Fills the application form on `p` (an edit page) with `answers`, then saves it with
 * 保存草稿. Repeated rows get their rows with the form's "add row" button first (each click
 * saves the form and comes back with one more row). Answers whose field is hidden until an
 * earlier choice is made are filled once it shows.
 */
export async function fillForm(p, answers) {
  const form = () => p.locator("form#app-form");
  // Rows first: "add row" posts the form, so it comes before typing anything else.
  for (const [key, v] of Object.entries(answers)) {
    const { rows } = inputsOf(key, v);
    if (!rows) continue;
    const box = form().locator(`[data-rows="${css(key)}"]`);
    for (;;) {
      const have = await box.locator("tr[data-row]").count();
      if (have >= rows) break;
      const add = box.locator("button.add-row");
      assert.equal(await add.count(), 1, `no add-row button for ${key} (has ${have}, needs ${rows})`);
      // Rows of a field shown only after a choice: make the choice visible first.
      await fillChoicesFor(p, answers, key);
      await clickAndWait(p, add);
      await form().waitFor();
      assert.ok((await box.locator("tr[data-row]").count()) > have, `add row for ${key}`);
    }
  }
  let pending = Object.entries(answers);
  for (let round = 0; pending.length > 0 && round < 5; round++) {
    const later = [];
    for (const [key, v] of pending) {
      const field = form().locator(`[data-field="${css(key.replace(/_other$/, ""))}"]`).first();
      if ((await field.count()) > 0 && !(await field.isVisible())) {
        later.push([key, v]);
        continue;
      }
      for (const [name, value] of inputsOf(key, v).inputs) {
        await fillInput(form(), name, value);
      }
    }
    if (later.length === pending.length) break;
    pending = later;
  }
  assert.equal(pending.length, 0, `fields that never showed: ${pending.map(([k]) => k).join(", ")}`);
  await save(p);
}

/** Makes the choices that show field `key` (its show_if controller), if they are answers too. */
async function fillChoicesFor(p, answers, key) {
  const field = p.locator(`form#app-form [data-field="${css(key)}"]`);
  if (await field.isVisible()) return;
  const controller = await field.getAttribute("data-show-field");
  const section = controller ?? (await field.evaluate((el) => el.closest("[data-show-field]")?.dataset.showField ?? null));
  if (section && section in answers) await fillInput(p.locator("form#app-form"), `f.${section}`, answers[section]);
}

/** 保存草稿, and the notice that it was saved. */
export async function save(p) {
  await clickAndWait(p, p.locator("form#app-form button[name=action][value=save]"), /msg=saved/);
  assert.equal((await p.locator("#notice").textContent()).trim(), "已保存");
}

/**
 * Uploads the fixture's files into their slots on the edit page, one by one. The page's
 * script sends each file without a page load and replaces the slot when the server answers:
 * waits for the answer of each (its transfer marked done or failed).
 */
export async function uploadFiles(p, files) {
  for (const f of files) {
    const slot = p.locator(`#slot-${f.slot}`);
    await slot.locator("input[type=file]").setInputFiles({
      name: f.name,
      mimeType: MIME[f.type] ?? "application/octet-stream",
      buffer: content(f.type, f.size),
    });
    // 上传 clears the slot's earlier answers; then the transfer of this file gets its own.
    await slot.getByRole("button", { name: "上传" }).click();
    await slot.locator(".upload-progress li.done, .upload-progress li.failed").first().waitFor({ timeout: 30_000 });
    const error = p.locator("#files .notice.error");
    assert.equal(await error.count(), 0, `upload ${f.name}: ${await error.allTextContents()}`);
    const listed = await p.locator("#files ul.files").allTextContents();
    assert.ok(listed.join("\n").includes(f.name), `${f.name} listed after upload`);
  }
}

/**
 * From the edit page: 检查并提交, then on the submit page a justification if warnings are
 * shown, the commitment, and 确认提交. Returns the warnings shown.
 */
export async function submit(p, id, justification = "情况说明：以上提示事项已逐项核实。") {
  await clickAndWait(p, p.locator("form#app-form button[name=action][value=submit]"), new RegExp(`/applications/${id}/submit`));
  const blocked = p.locator(".panel .notice.error");
  if ((await blocked.count()) > 0) {
    assert.fail(`submission blocked on ${p.url()}: ${(await blocked.allTextContents()).join(" | ")}`);
  }
  const warnings = await p.locator(".notice.demo li").allTextContents();
  const just = p.locator("textarea[name=justification]");
  if ((await just.count()) > 0) await just.fill(justification);
  await p.getByLabel("我单位已阅读并承诺遵守以上内容").check();
  await clickAndWait(p, p.getByRole("button", { name: "确认提交" }), new RegExp(`/applications/${id}$`));
  assert.equal((await p.locator(".notice.ok").first().textContent()).trim(), "申报书已提交");
  return warnings;
}

// ---- registration, downloads (the per-call journeys, call-journey.mjs) -------------------

const USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/**
 * A valid 统一社会信用代码 of an enterprise (91) registered in `region` (6 digits): positions
 * 9–17 an organisation code built from `serial` with its GB 11714 check digit, position 18 the
 * GB 32100 check character.
 */
export function uscc(region, serial) {
  assert.match(region, /^\d{6}$/);
  const body = ("MA" + String(serial).padStart(6, "0")).slice(0, 8);
  const orgWeights = [3, 7, 9, 10, 5, 8, 4, 2];
  const orgSum = [...body].reduce((s, c, i) => s + parseInt(c, 36) * orgWeights[i], 0);
  const orgCheck = { 10: "X", 11: "0" }[11 - (orgSum % 11)] ?? String(11 - (orgSum % 11));
  const first17 = `91${region}${body}${orgCheck}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARSET.indexOf(first17[i]) * (3 ** i % 31);
  return first17 + USCC_CHARSET[(31 - (sum % 31)) % 31];
}

/** Picks `code` in the division picker holding the input `name` inside `scope`. */
export async function pickRegion(scope, name, code) {
  await fillInput(scope, name, code);
}

/**
 * Registers an applicant organisation through 注册 (linked from the header) in a fresh context
 * of `j` named `username`: a first attempt with a wrong check character is refused with the
 * error at the code; then the right code. Returns the page, logged in (on 我的账号).
 */
export async function register(j, { username, password, org, contact }) {
  const p = await j.page(username);
  await p.goto(`${BASE}/`);
  await clickAndWait(p, p.locator(".nav").getByRole("link", { name: "单位注册" }), /\/register$/);
  const form = p.locator("form[action='/register']");
  const typo = org.uscc.slice(0, 17) + (org.uscc[17] === "0" ? "1" : "0");
  await form.locator("input[name=uscc]").fill(typo);
  await form.locator("input[name=org_name]").fill(org.name);
  await pickRegion(form, "region", org.region);
  await form.locator("input[name=contact]").fill(contact);
  await form.locator("input[name=username]").fill(username);
  await form.locator("input[name=password]").fill(password);
  await form.locator("input[name=confirm]").fill(password);
  await clickAndWait(p, form.locator("button[type=submit]"));
  const error = p.locator("form[action='/register'] label:has(input[name=uscc]) .field-error");
  assert.notEqual((await error.textContent()).trim(), "", "a wrong check character is refused");
  assert.equal(await p.locator("input[name=org_name]").inputValue(), org.name, "the form keeps what was typed");
  await p.locator("input[name=uscc]").fill(org.uscc);
  await p.locator("input[name=password]").fill(password);
  await p.locator("input[name=confirm]").fill(password);
  await clickAndWait(p, p.locator("form[action='/register'] button[type=submit]"), /\/account\?welcome=1$/);
  await p.locator(".nav").getByRole("button", { name: "退出" }).waitFor();
  const body = await p.locator("main, body").first().textContent();
  assert.ok(body.includes(org.uscc), "the account page shows the organisation's code");
  assert.ok(body.includes(org.name), "the account page shows the organisation's name");
  const login = (await p.locator(".welcome-login .login-name").textContent()).trim();
  assert.match(login, new RegExp(`^${username.replace(/[.]/g, "\\.")}-\\d{4,6}$`), "the login name given is shown");
  return p;
}

/**
 * On a bureau's ranking page: uploads every stamped scan its level asks for (each
 * `form.scan-slot`, a PDF) and checks that each is then listed as uploaded.
 */
export async function uploadScans(p) {
  const slots = await p.locator("form.scan-slot").all();
  for (const [k, slot] of slots.entries()) {
    await slot.locator("input[type=file]").setInputFiles({
      name: `盖章扫描件${k + 1}.pdf`, mimeType: "application/pdf", buffer: content("pdf", 8192),
    });
    await clickAndWait(p, slot.getByRole("button", { name: "上传" }), /msg=scan_uploaded/);
  }
  for (const slot of await p.locator("form.scan-slot").all()) {
    assert.match(await slot.textContent(), /已上传/, "every scan is uploaded");
  }
}

/** Clicks `link` and returns the downloaded file's name and bytes. */
export async function download(p, link) {
  const [file] = await Promise.all([p.waitForEvent("download"), link.click()]);
  const failure = await file.failure();
  assert.equal(failure, null, `download of ${file.url()}`);
  const chunks = [];
  for await (const c of await file.createReadStream()) chunks.push(c);
  return { name: file.suggestedFilename(), bytes: Buffer.concat(chunks) };
}

/** The text of the XML entries of an OOXML file (DOCX or XLSX) whose names match `re`, tags removed. */
export async function ooxmlText(bytes, re) {
  const { default: JSZip } = await import("jszip");
  const zip = await JSZip.loadAsync(bytes);
  const names = Object.keys(zip.files).filter((n) => re.test(n));
  assert.ok(names.length > 0, `no entry matching ${re} in ${Object.keys(zip.files).join(", ")}`);
  let out = "";
  for (const n of names) {
    const xml = await zip.file(n).async("string");
    out += xml.replace(/<[^>]+>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&") + "\n";
  }
  return out;
}

/**
 * The review page's decision form for `action` (recommend, return, reject), opened: the forms
 * sit in folded sections of the decision panel (and under the decision once one is taken).
 */
export async function decisionForm(p, action) {
  const form = p.locator("form", { has: p.locator(`input[name=action][value=${action}]`) }).first();
  if (await form.isVisible()) return form;
  await form.evaluate((f) => {
    for (let d = f.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) d.open = true;
  });
  return form;
}

