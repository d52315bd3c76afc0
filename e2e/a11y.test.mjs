// Accessibility in a browser, on sd-2024-llm-survey (direction 大模型产品, city bureau → owner):
//   keyboard only  demo_qiye_jinan logs in, chooses the direction, fills the whole form, uploads
//                  the files and submits with page.keyboard alone (Tab / Shift+Tab, typing,
//                  arrows and Space on choices, Enter on buttons; no click), every focused
//                  control showing a visible focus indicator;
//   axe-core       on the main pages of every role (home, call, login, register, the long form
//                  of sd-2024-llm-cases, the status page, inbox, the bureau's queue, review page
//                  and ranking, the statistics pages of the bureau and the owner (with their
//                  charts drawn), the owner's dashboard and received applications (the 摸底 is a
//                  collection: no experts), the public results): no serious or critical violation, and every
//                  input, select and text area has an accessible name;
//   screenshots    of each of these pages at 1366×768 and at phone width (390×844) into
//                  $E2E_SCREENSHOTS (a11y-<page>-desktop.png, a11y-<page>-phone.png).
// The bureau forwards its 大模型产品 list here (which closes that direction for 济南 applicants),
// so the keyboard submission comes first, in the same file.
// Run by `bash scripts/e2e` (see journey.mjs for the environment).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ACCOUNTS, BASE, Journey, SHOTS, STEP, clickAndWait, content, fixture, uploadScans, decisionForm } from "./journey.mjs";

const CALL = "sd-2024-llm-survey";
const ORG = { uscc: "91370102MA3DEM0002", name: "济南演示科技有限公司", region: "370102" };
const FX = fixture(CALL, "product.valid.json", ORG);
// A product name of this test's own, so that other journeys' rows are never matched.
FX.answers.prod_name = "键盘无障碍测试·政务大模型 V1.0";
const PRODUCT = FX.answers.prod_name;
const AXE = path.join(path.dirname(fileURLToPath(import.meta.url)), "node_modules", "axe-core", "axe.min.js");
const DESKTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };

const j = new Journey("a11y");
// axe-core goes into each page as an inline script, which the site's CSP refuses.
j.bypassCSP = true;
let appId;
const checked = [];

/** The element that has the focus: tag, name, type, value and whether its focus shows. */
function focused(p) {
  return p.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const cs = getComputedStyle(el);
    const outline = cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) > 0;
    const shadow = cs.boxShadow && cs.boxShadow !== "none";
    return {
      tag: el.tagName.toLowerCase(),
      name: el.getAttribute("name") || "",
      type: (el.getAttribute("type") || "").toLowerCase(),
      value: "value" in el ? String(el.value) : "",
      text: (el.textContent || "").trim().slice(0, 40),
      visible: Boolean(outline || shadow),
    };
  });
}

/**
 * Presses Tab (or Shift+Tab with `back`) until the focused element matches `selector`; asserts
 * it shows its focus (outline or box shadow). At most `max` presses.
 */
async function tabTo(p, selector, { back = false, max = 250 } = {}) {
  for (let i = 0; i < max; i++) {
    await p.keyboard.press(back ? "Shift+Tab" : "Tab");
    const hit = await p.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector);
    if (hit) {
      const f = await focused(p);
      assert.ok(f.visible, `no visible focus on ${selector} (${JSON.stringify(f)})`);
      return f;
    }
  }
  assert.fail(`${selector} never got the focus after ${max} ${back ? "Shift+Tab" : "Tab"} presses`);
}

/** Presses `key` and waits for the document it loads (a form post and its redirect). */
async function pressAndWait(p, key, url) {
  await p.evaluate(() => { window.__e2eOld = true; });
  await p.keyboard.press(key);
  await p.waitForFunction(() => !window.__e2eOld && document.readyState === "complete", null, { timeout: 30_000 });
  if (url) await p.waitForURL(url, { timeout: 5_000 });
}

/**
 * Space on the focused file input: its file chooser. Headless Chromium now and then shows no
 * chooser for a key press right after a page load; up to three presses, focus checked each time.
 */
async function openChooser(p, selector) {
  for (let attempt = 1; ; attempt++) {
    const shown = p.waitForEvent("filechooser", { timeout: 4_000 }).catch(() => null);
    await p.keyboard.press("Space");
    const chooser = await shown;
    if (chooser) return chooser;
    assert.ok(attempt < 3, `no file chooser after ${attempt} presses of Space on ${selector}`);
    assert.ok(await p.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector), `${selector} keeps the focus`);
  }
}

const css = (s) => s.replace(/["\\]/g, "\\$&");

/** Fills one answer of the product form by keyboard, from the field before it. */
async function keyIn(p, key, value) {
  const name = `f.${key}`;
  const els = p.locator(`form#app-form [name="${css(name)}"]`);
  const type = (await els.first().getAttribute("type")) || "";
  if (type === "checkbox") {
    for (const v of value) {
      await tabTo(p, `input[name="${css(name)}"][value="${css(v)}"]`);
      await p.keyboard.press("Space");
      assert.ok(await p.locator(`input[name="${css(name)}"][value="${css(v)}"]`).isChecked(), `${name} ${v} ticked`);
    }
    return;
  }
  if (type === "radio") {
    // Tab enters the group; the arrows move (and choose) within it; Space chooses the focused one.
    await tabTo(p, `input[name="${css(name)}"]`);
    for (let i = 0; i < 10; i++) {
      const v = await p.evaluate(() => document.activeElement.value);
      if (v === value) break;
      await p.keyboard.press("ArrowDown");
    }
    await p.keyboard.press("Space");
    assert.ok(await p.locator(`input[name="${css(name)}"][value="${css(value)}"]`).isChecked(), `${name} = ${value}`);
    return;
  }
  await tabTo(p, `[name="${css(name)}"]`);
  await p.keyboard.type(String(value));
  assert.equal(await els.first().inputValue(), String(value), `${name} typed`);
}

/** axe-core on the page: the serious and critical violations, and inputs without a name. */
async function audit(p, page) {
  await p.addScriptTag({ path: AXE });
  const result = await p.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    const violations = r.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 4).map((n) => n.target.join(" ")).join(" | ")}${v.nodes.length > 4 ? ` (+${v.nodes.length - 4})` : ""}`);
    window.axe.setup(document);
    const unnamed = [];
    let inputs = 0;
    for (const el of document.querySelectorAll("input, select, textarea")) {
      // Rendered ones: a field hidden until a choice shows it is checked once it shows.
      // Not shown: hidden inputs, and those in a folded <details> (Chromium keeps boxes for
      // them, but neither a user nor the accessibility tree sees them until it opens).
      if (el.type === "hidden" || el.getClientRects().length === 0 || el.closest("details:not([open])")) continue;
      inputs++;
      const name = window.axe.commons.text.accessibleTextVirtual(window.axe.utils.getNodeFromTree(el)).trim();
      if (!name) unnamed.push(el.outerHTML.slice(0, 120));
    }
    window.axe.teardown();
    return { violations, unnamed, inputs };
  });
  checked.push(`${page} (${result.inputs} inputs)`);
  return result;
}

/**
 * axe on the page, then its screenshots at 1366×768 and 390×844 (top of the page). Problems
 * are collected in `found` (asserted empty at the end of each test, so one run lists them all).
 */
let found = [];
async function check(p, page) {
  await p.setViewportSize(DESKTOP);
  const { violations, unnamed } = await audit(p, page);
  await j.shoot(p, `${page}-desktop`, { fullPage: false });
  await p.setViewportSize(PHONE);
  await j.shoot(p, `${page}-phone`, { fullPage: false });
  await p.setViewportSize(DESKTOP);
  for (const v of violations) found.push(`${page} (${new URL(p.url()).pathname}): ${v}`);
  for (const u of unnamed) found.push(`${page} (${new URL(p.url()).pathname}): no accessible name: ${u}`);
}

/** Asserts that the pages checked since the last call had no problem. */
function noProblems() {
  const all = found;
  found = [];
  assert.deepEqual(all, [], "serious or critical axe violations, or inputs without an accessible name");
}

describe(`${CALL}: keyboard only, axe-core and screenshots`, () => {
  before(() => j.start());
  after(() => j.close());

  it("keyboard only: logs in, fills the 大模型产品 form, uploads, submits", STEP, async () => {
    const p = await j.page("demo_qiye_jinan");
    await p.setViewportSize(DESKTOP);
    await p.goto(`${BASE}/login`);
    await tabTo(p, "input[name=username]");
    await p.keyboard.type("demo_qiye_jinan");
    await tabTo(p, "input[name=password]");
    await p.keyboard.type(ACCOUNTS.demo_qiye_jinan);
    await pressAndWait(p, "Enter");
    assert.ok(!new URL(p.url()).pathname.startsWith("/login"), `logged in (at ${p.url()})`);

    await p.goto(`${BASE}/calls/${CALL}`);
    await tabTo(p, "select[name=direction]");
    for (let i = 0; i < 5 && (await p.locator("select[name=direction]").inputValue()) !== FX.direction; i++) {
      await p.keyboard.press("ArrowDown");
    }
    assert.equal(await p.locator("select[name=direction]").inputValue(), FX.direction);
    await tabTo(p, "form.start-form button[type=submit]");
    await pressAndWait(p, "Enter", /\/applications\/\d+\/edit$/);
    appId = Number(new URL(p.url()).pathname.split("/")[2]);

    for (const [key, value] of Object.entries(FX.answers)) await keyIn(p, key, value);
    // Back one field with Shift+Tab: the text typed last is there.
    await tabTo(p, 'textarea[name="f.prod_intro"]', { back: true });
    assert.equal(await p.locator('textarea[name="f.prod_intro"]').inputValue(), FX.answers.prod_intro);
    await tabTo(p, "form#app-form button[name=action][value=save]");
    await pressAndWait(p, "Enter", /msg=saved/);
    assert.equal((await p.locator("#notice").textContent()).trim(), "已保存");
    for (const [key, value] of Object.entries(FX.answers)) {
      const input = p.locator(`[name="f.${key}"]`).first();
      if (typeof value === "string" && (await input.getAttribute("type")) !== "radio") {
        assert.equal(await input.inputValue(), value, `f.${key} saved`);
      }
    }

    // The files: Space on a file input opens the chooser; 上传 by Enter. The page's script
    // sends the file without a page load: the answer is in the slot, announced (role=status
    // or alert), and the focus stays in the slot.
    for (const f of FX.files) {
      const slot = `#slot-${f.slot}`;
      await tabTo(p, `${slot} input[type=file]`);
      const chooser = await openChooser(p, `${slot} input[type=file]`);
      await chooser.setFiles({ name: f.name, mimeType: "application/octet-stream", buffer: content(f.type, f.size) });
      await tabTo(p, `${slot} button[type=submit]`);
      await p.keyboard.press("Enter");
      await p.locator(`${slot} .upload-progress li.done, ${slot} .upload-progress li.failed`).first().waitFor({ timeout: 30_000 });
      assert.equal(await p.locator("#files .notice.error").count(), 0, `upload ${f.name}: ${await p.locator("#files .notice.error").allTextContents()}`);
      assert.equal(await p.locator(`${slot} .upload-progress .notice.ok[role=status]`).count(), 1, `${f.name}: its message`);
      assert.ok((await p.locator("#files ul.files").allTextContents()).join("\n").includes(f.name), `${f.name} listed`);
      assert.ok(await p.evaluate((sel) => document.querySelector(sel)?.contains(document.activeElement) ?? false, slot), `${f.name}: the focus stays in the slot`);
    }
    // The form with its slots after the uploads (progress bars and messages): axe.
    await check(p, "applicant-uploads");
    noProblems();

    await tabTo(p, "form#app-form button[name=action][value=submit]");
    await pressAndWait(p, "Enter", new RegExp(`/applications/${appId}/submit$`));
    assert.equal(await p.locator(".panel .notice.error").count(), 0, `submission blocked: ${await p.locator(".panel .notice.error").allTextContents()}`);
    await tabTo(p, "input[name=accept]");
    await p.keyboard.press("Space");
    assert.ok(await p.locator("input[name=accept]").isChecked(), "commitment ticked by Space");
    await tabTo(p, "form button[type=submit]");
    await pressAndWait(p, "Enter", new RegExp(`/applications/${appId}$`));
    assert.equal((await p.locator(".notice.ok").first().textContent()).trim(), "申报书已提交");
    assert.match(await p.locator("h1 .badge").textContent(), /已提交/);
  });

  it("axe: public pages (home, call, login, register, results)", STEP, async () => {
    const p = await j.page("anonymous");
    await p.goto(`${BASE}/`);
    await check(p, "home");
    await p.goto(`${BASE}/calls/${CALL}`);
    await check(p, "call");
    await p.goto(`${BASE}/login`);
    await check(p, "login");
    await p.goto(`${BASE}/register`);
    await check(p, "register");
    await p.goto(`${BASE}/calls/${CALL}/results`);
    await check(p, "results");
    noProblems();
  });

  it("axe: the applicant's pages (status, list, inbox, the long form of sd-2024-llm-cases)", STEP, async () => {
    const p = await j.page("demo_qiye_jinan");
    await p.goto(`${BASE}/applications/${appId}`);
    await check(p, "applicant-status");
    await p.goto(`${BASE}/applications`);
    await check(p, "applicant-list");
    await p.goto(`${BASE}/inbox`);
    await check(p, "applicant-inbox");
    await p.goto(`${BASE}/calls/sd-2024-llm-cases`);
    await p.locator("select[name=direction]").selectOption("case");
    await clickAndWait(p, p.getByRole("button", { name: "开始填写申报书" }), /\/applications\/\d+\/edit$/);
    await check(p, "applicant-form");
    noProblems();
  });

  it("axe: the bureau's pages (queue, review page, ranking, statistics), then it forwards the list", STEP, async () => {
    const p = await j.login("demo_shi_jinan");
    await p.goto(`${BASE}/review`);
    await check(p, "bureau-index");
    await p.goto(`${BASE}/review/${CALL}`);
    // A collection's applications are listed by the applicant (it has no results title).
    assert.equal(await p.locator("table.queue tbody tr", { hasText: ORG.name }).count(), 1, "in the queue");
    await check(p, "bureau-queue");
    await p.goto(`${BASE}/review/${CALL}/applications/${appId}`);
    await check(p, "bureau-review");
    const form = await decisionForm(p, "recommend");
    await form.locator("textarea[name=opinion]").fill("经审核，材料齐全，同意推荐。");
    for (const sig of await form.locator('input[name^="sig."]').all()) await sig.fill("王审核");
    await clickAndWait(p, form.getByRole("button", { name: "推荐", exact: true }));
    assert.match(await p.locator("h1 .badge").textContent(), /已推荐/);
    await p.goto(`${BASE}/review/${CALL}/ranking?direction=${FX.direction}`);
    await check(p, "bureau-ranking");
    await p.goto(`${BASE}/review/${CALL}/statistics`);
    await p.locator(".stat-chart canvas").first().waitFor();
    await check(p, "bureau-statistics");
    await p.goto(`${BASE}/review/${CALL}/ranking?direction=${FX.direction}`);
    await uploadScans(p);
    await p.getByLabel("我已确认推荐名单和排序无误，报送后不能再修改").check();
    await clickAndWait(p, p.getByRole("button", { name: "确认报送" }));
    assert.match(await p.locator(".notice.ok").first().textContent(), /已于以下时间报送/);
    noProblems();
  });

  it("axe: the owner's pages (dashboard, received applications and summaries, statistics)", STEP, async () => {
    // The 摸底 is a collection: the owner has no experts to assign, so the expert's pages
    // are checked by the journeys of the contests, not here.
    const p = await j.login("demo_ting");
    await p.goto(`${BASE}/owner`);
    await check(p, "owner-calls");
    await p.goto(`${BASE}/owner/${CALL}`);
    await check(p, "owner-dashboard");
    await p.goto(`${BASE}/owner/${CALL}/received`);
    assert.equal(await p.locator(`table.received a[href="/review/${CALL}/applications/${appId}"]`).count(), 1, "received");
    await check(p, "owner-received");
    await p.goto(`${BASE}/owner/${CALL}/statistics`);
    await p.locator(".stat-chart canvas").first().waitFor();
    await check(p, "owner-statistics");
    noProblems();
  });

  it("no script errors and no request off the loopback server", (t) => {
    t.diagnostic(`checked: ${checked.join(", ")}`);
    t.diagnostic(`screenshots in ${SHOTS}: ${j.shots.length}`);
    assert.deepEqual(j.pageErrors, []);
    assert.deepEqual(j.offHost, []);
  });
});
