// Browser smoke test of the demo server, as a person would use it: read the calls, log in as
// an applicant, start an application, fill in a few fields, save the draft, come back and
// find them again. Run by `bash scripts/e2e`, which starts `shenbao serve --demo` and passes:
//   SHENBAO_E2E_PORT      the server's port on 127.0.0.1
//   SHENBAO_E2E_PASSWORD  the password of demo_qiye_jinan (printed once by the server)
//   E2E_SCREENSHOTS       where the screenshots go (default /tmp/shenbao-e2e)
//   SHENBAO_E2E_CHROMIUM  the browser (default /usr/bin/chromium, Debian's package)
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";

const PORT = process.env.SHENBAO_E2E_PORT;
const PASSWORD = process.env.SHENBAO_E2E_PASSWORD;
if (!PORT || !PASSWORD) {
  throw new Error("SHENBAO_E2E_PORT and SHENBAO_E2E_PASSWORD are not set: run `bash scripts/e2e`");
}
const BASE = `http://127.0.0.1:${PORT}`;
const SHOTS = process.env.E2E_SCREENSHOTS || "/tmp/shenbao-e2e";
const CHROMIUM = process.env.SHENBAO_E2E_CHROMIUM || "/usr/bin/chromium";

const CALLS = [
  "sd-2024-llm-cases",
  "sd-2024-llm-survey",
  "hn-2025-ai",
  "qz-2024-ai-industry",
  "gd-2023-ai-scenarios",
];
const COMPANY = "济南演示科技有限公司";
const NATURE = "私营企业";
const INTRO = "济南演示科技有限公司成立于2018年，专注于大模型在政务服务中的应用。";
// Word's 字数 rule: 我们使用 4 + "GPT-4" 1 + 模型 2 + 。1 = 8.
const BENEFITS = "我们使用GPT-4模型。";
const BENEFITS_ZI = "8";

const STEP = { timeout: 60_000 };

let browser;
let desktop;
let page;
let editUrl;
const pageErrors = [];
const offHost = [];

// Every request must stay on the loopback server; anything else is recorded and refused.
async function loopbackOnly(context) {
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === "127.0.0.1" || url.protocol === "data:") return route.continue();
    offHost.push(url.href);
    return route.abort();
  });
}

function watch(p) {
  p.on("pageerror", (e) => pageErrors.push(`${p.url()}: ${e.message}`));
}

// Polls `read` until it returns `want` (or the time is up), then asserts.
async function eventually(read, want, message, ms = 5_000) {
  const end = Date.now() + ms;
  let got = await read();
  while (got !== want && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    got = await read();
  }
  assert.equal(got, want, message);
}

// Horizontal overflow of the current page: the document's width against the viewport's, and
// the elements reaching past the right edge (the layout defects screenshots are taken for).
async function overflow(p) {
  return p.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const wide = [];
    for (const el of document.querySelectorAll("body *")) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || r.right <= vw + 1) continue;
      let clipped = false;
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        const ox = getComputedStyle(a).overflowX;
        if (ox === "auto" || ox === "scroll" || ox === "hidden") { clipped = true; break; }
      }
      if (clipped) continue;
      const id = el.id ? `#${el.id}` : "";
      const cls = el.className && typeof el.className === "string" ? `.${el.className.trim().split(/\s+/).join(".")}` : "";
      const name = el.getAttribute("name") ? `[name="${el.getAttribute("name")}"]` : "";
      wide.push(`${el.tagName.toLowerCase()}${id}${cls}${name} right=${Math.round(r.right)}`);
    }
    return { viewport: vw, document: document.documentElement.scrollWidth, wide: wide.slice(0, 20) };
  });
}

async function shoot(p, name, options = {}) {
  const file = path.join(SHOTS, name);
  await p.screenshot({ path: file, ...options });
  return file;
}

describe("shenbao demo in a browser", () => {
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    browser = await chromium.launch({
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
    desktop = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: "zh-CN" });
    desktop.setDefaultTimeout(15_000);
    await loopbackOnly(desktop);
    page = await desktop.newPage();
    watch(page);
  });

  after(async () => {
    await browser?.close();
  });

  it("the home page lists the five calls", STEP, async () => {
    const res = await page.goto(`${BASE}/`);
    assert.equal(res.status(), 200);
    assert.equal((await page.locator("h1").textContent()).trim(), "征集通知");
    assert.match(await page.title(), /征集通知/);
    const hrefs = await page.locator(".call-card a.call-title").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    assert.deepEqual([...hrefs].sort(), CALLS.map((c) => `/calls/${c}`).sort());
    for (const title of await page.locator(".call-card a.call-title").allTextContents()) {
      assert.match(title, /\p{Script=Han}{4,}/u, `call title ${title}`);
    }
    await shoot(page, "home-1366.png");
  });

  it("logs in as demo_qiye_jinan", STEP, async () => {
    await page.goto(`${BASE}/login`);
    await page.locator("input[name=username]").fill("demo_qiye_jinan");
    await page.locator("input[name=password]").fill(PASSWORD);
    await Promise.all([page.waitForURL(`${BASE}/`), page.getByRole("button", { name: "登录" }).click()]);
    await page.getByRole("button", { name: "退出" }).waitFor();
    assert.match(await page.locator(".nav .who").textContent(), /济南演示科技有限公司联系人/);
  });

  it("starts an application to sd-2024-llm-cases", STEP, async () => {
    await page.goto(`${BASE}/calls/sd-2024-llm-cases`);
    await page.locator("select[name=direction]").selectOption({ label: "人工智能大模型典型应用案例" });
    await Promise.all([
      page.waitForURL(/\/applications\/\d+\/edit$/),
      page.getByRole("button", { name: "开始填写申报书" }).click(),
    ]);
    editUrl = page.url();
    await page.locator("form#app-form").waitFor();
    assert.match(await page.locator(".issuer").first().textContent(), /人工智能大模型典型应用案例/);
  });

  it("fills in the form: text, single choice with 其他, counted textarea", STEP, async () => {
    const form = page.locator("form#app-form");
    await form.locator('input[name="f.company_name"]').fill(COMPANY);

    // 其他 reveals its text box; another choice hides it again.
    const other = form.locator('[data-other-of="f.unit_nature"]');
    assert.equal(await other.isVisible(), false, "其他 box hidden before any choice");
    await form.locator('input[name="f.unit_nature"][value="其他"]').check();
    await other.waitFor({ state: "visible" });
    assert.equal(await other.locator('input[name="f.unit_nature_other"]').isEditable(), true);
    await form.locator(`input[name="f.unit_nature"][value="${NATURE}"]`).check();
    await other.waitFor({ state: "hidden" });

    await form.locator('textarea[name="f.unit_intro"]').fill(INTRO);

    // The live counter follows typing, by Word's 字数 rule.
    const counter = page.locator('[data-counter-for="f.benefits"] b');
    assert.equal((await counter.textContent()).trim(), "0");
    const autosaved = page.waitForResponse((r) => r.url().endsWith("/autosave") && r.request().method() === "POST");
    await form.locator('textarea[name="f.benefits"]').pressSequentially(BENEFITS, { delay: 20 });
    await eventually(async () => (await counter.textContent()).trim(), BENEFITS_ZI, "字数 counter");

    // Autosave runs a moment after the last keystroke; let it finish so the explicit save
    // below carries the current version.
    assert.equal((await autosaved).status(), 200, "autosave");
    await eventually(async () => (await page.locator(".autosave-status").textContent()).trim(), "已自动保存", "autosave status");
  });

  it("saves the draft with 保存草稿", STEP, async () => {
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST" && r.url() === editUrl),
      page.locator("button[name=action][value=save]").click(),
    ]);
    // Post/redirect/get: the save answers 303 to the form with a message.
    assert.equal(res.status(), 303);
    await page.waitForURL(/msg=saved/);
    assert.equal((await page.locator("#notice").textContent()).trim(), "已保存");
    // Reloading the page after a save re-sends nothing.
    const reloaded = await page.reload();
    assert.equal(reloaded.status(), 200);
    assert.equal((await page.locator("#notice").textContent()).trim(), "已保存");
  });

  it("opening the form again shows the saved values", STEP, async () => {
    await page.goto(editUrl);
    const form = page.locator("form#app-form");
    assert.equal(await form.locator('input[name="f.company_name"]').inputValue(), COMPANY);
    assert.equal(await form.locator(`input[name="f.unit_nature"][value="${NATURE}"]`).isChecked(), true);
    assert.equal(await form.locator('input[name="f.unit_nature"]:checked').count(), 1);
    assert.equal(await form.locator('[data-other-of="f.unit_nature"]').isVisible(), false);
    assert.equal(await form.locator('textarea[name="f.unit_intro"]').inputValue(), INTRO);
    assert.equal(await form.locator('textarea[name="f.benefits"]').inputValue(), BENEFITS);
    assert.equal((await page.locator('[data-counter-for="f.benefits"] b').textContent()).trim(), BENEFITS_ZI);
    // The problem list no longer names the fields just filled.
    const problems = await page.locator(".problems a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    for (const id of ["company_name", "unit_nature", "unit_intro", "benefits"]) {
      assert.ok(!problems.includes(`#field-${id}`), `problem still listed for ${id}`);
    }
  });

  it("screenshots of the form at 1366×768 and 390×844", STEP, async (t) => {
    const layout = {};
    await page.goto(editUrl);
    await shoot(page, "form-1366.png");
    await page.locator("#field-unit_nature").scrollIntoViewIfNeeded();
    await shoot(page, "form-1366-fields.png");
    await page.locator("#field-benefits").scrollIntoViewIfNeeded();
    await shoot(page, "form-1366-counter.png");
    await shoot(page, "form-1366-full.png", { fullPage: true });
    layout["1366x768"] = await overflow(page);

    const phone = await browser.newContext({
      storageState: await desktop.storageState(),
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: "zh-CN",
    });
    try {
      phone.setDefaultTimeout(15_000);
      await loopbackOnly(phone);
      const p = await phone.newPage();
      watch(p);
      await p.goto(`${BASE}/`);
      await shoot(p, "home-390.png");
      await shoot(p, "home-390-full.png", { fullPage: true });
      layout["390x844 home"] = await overflow(p);
      await p.goto(editUrl);
      await p.locator("form#app-form").waitFor();
      assert.equal(await p.locator('input[name="f.company_name"]').inputValue(), COMPANY);
      await shoot(p, "form-390.png");
      // With 其他 chosen, to show its text box at phone width.
      await p.locator("#field-unit_nature").scrollIntoViewIfNeeded();
      await p.locator('input[name="f.unit_nature"][value="其他"]').check();
      await p.locator('[data-other-of="f.unit_nature"]').waitFor({ state: "visible" });
      await shoot(p, "form-390-fields.png");
      await p.locator("#field-benefits").scrollIntoViewIfNeeded();
      await shoot(p, "form-390-counter.png");
      await shoot(p, "form-390-full.png", { fullPage: true });
      layout["390x844 form"] = await overflow(p);
    } finally {
      await phone.close();
    }
    writeFileSync(path.join(SHOTS, "layout.json"), JSON.stringify(layout, null, 2));
    for (const [size, o] of Object.entries(layout)) {
      t.diagnostic(`${size}: document ${o.document}px wide in a ${o.viewport}px viewport${o.wide.length ? `; past the edge: ${o.wide.join(", ")}` : ""}`);
    }
    t.diagnostic(`screenshots in ${SHOTS}`);
  });

  it("no script errors and no request off the loopback server", () => {
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(offHost, []);
  });
});
