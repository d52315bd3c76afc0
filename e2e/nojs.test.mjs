// The application form without JavaScript: qz-2024-ai-industry, 典型应用场景 (typical_scenario),
// demo_qiye_quanzhou in a browser context with JavaScript disabled. Logs in, starts the
// application, fills the form from typical_scenario.valid.json round by round (a choice shows
// its follow-up fields once saved: the server renders them), adds a second 联合体成员单位 row
// with the form's "add row" button (a plain submit button), ticks and picks options, saves,
// uploads the files, accepts the commitment (and chooses the sector department) and submits;
// the status page shows 已提交; the sector department (demo_hangye_quanzhou) recommends and
// forwards it, and the 泉州 city bureau receives it.
// Run by `bash scripts/e2e` (see journey.mjs for the environment).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { ACCOUNTS, BASE, Journey, STEP, content, fixture, uploadScans, decisionForm } from "./journey.mjs";

const CALL = "qz-2024-ai-industry";
const ORG = { uscc: "91350502MA3DEM0351", name: "泉州演示智能有限公司", region: "350502" };
const FX = fixture(CALL, "typical_scenario.valid.json", ORG);
FX.answers.scene_name = "无脚本填报·鞋服AI质检场景";
// The second member, added with the no-JS button (济南 demo organisation's valid code).
const MEMBER = { name: "济南演示科技有限公司", uscc: "91370102MA3DEM0002", role: "运营方" };

const SECTOR = "泉州市交通运输局";
const j = new Journey("nojs");
let p;
let appId;

const css = (s) => s.replace(/["\\]/g, "\\$&");

/**
 * Clicks `locator` and waits for the document that the post and its redirect load, by the
 * navigation event (journey.mjs's clickAndWait polls a mark in the old document by script,
 * which timed out now and then with the page's scripts off).
 */
async function clickAndWait(p, locator, url) {
  const loaded = p.waitForNavigation({ waitUntil: "load", timeout: 30_000 });
  await locator.click();
  await loaded;
  if (url) await p.waitForURL(url, { timeout: 5_000 });
}

/** 保存草稿, and the notice that it was saved. */
async function save(p) {
  await clickAndWait(p, p.locator("form#app-form button[name=action][value=save]"), /msg=saved/);
  assert.equal((await p.locator("#notice").textContent()).trim(), "已保存");
}

/** Uploads the fixture's files into their slots, one by one. */
async function uploadFiles(p, files) {
  for (const f of files) {
    const slot = p.locator(`#files .slot:has(input[name=slot][value="${css(f.slot)}"])`);
    await slot.locator("input[type=file]").setInputFiles({ name: f.name, mimeType: "application/octet-stream", buffer: content(f.type, f.size) });
    await clickAndWait(p, slot.getByRole("button", { name: "上传" }), /msg=uploaded/);
    const error = p.locator("#files .notice.error");
    assert.equal(await error.count(), 0, `upload ${f.name}: ${await error.allTextContents()}`);
    assert.ok((await p.locator("#files ul.files").allTextContents()).join("\n").includes(f.name), `${f.name} listed`);
  }
}

/** The (input name, value) pairs of one answer, as the form names its inputs (form.rs). */
function pairs(key, v) {
  const base = `f.${key}`;
  if (Array.isArray(v) && v.some((x) => x && typeof x === "object")) {
    return v.flatMap((row, i) => Object.entries(row).map(([c, cell]) => [`${base}[${i}].${c}`, cell]));
  }
  if (v && typeof v === "object" && !Array.isArray(v)) {
    return Object.entries(v).map(([k, inner]) => [`${base}.${k}`, inner]);
  }
  return [[base, v]];
}

/** Fills the input(s) named `name` if shown; false when the field is not on the page yet. */
async function put(name, value) {
  const els = p.locator(`form#app-form [name="${css(name)}"]`);
  if ((await els.count()) === 0 || !(await els.first().isVisible())) return false;
  const type = (await els.first().getAttribute("type")) || "";
  const values = (Array.isArray(value) ? value : [value]).map((x) => String(x));
  if (type === "radio" || type === "checkbox") {
    for (const v of values) await p.locator(`form#app-form [name="${css(name)}"][value="${css(v)}"]`).check();
  } else if ((await els.first().evaluate((el) => el.tagName)) === "SELECT") {
    await els.first().selectOption(values[0]);
  } else {
    await els.first().fill(values[0]);
  }
  return true;
}

describe(`${CALL}: the form with JavaScript disabled`, () => {
  before(() => j.start());
  after(() => j.close());

  it("logs in and starts a 典型应用场景 application, no script running", STEP, async () => {
    const context = await j.browser.newContext({ javaScriptEnabled: false, viewport: { width: 1366, height: 900 }, locale: "zh-CN" });
    context.setDefaultTimeout(15_000);
    await context.route("**/*", (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === "127.0.0.1") return route.continue();
      j.offHost.push(url.href);
      return route.abort();
    });
    p = await context.newPage();
    await p.goto(`${BASE}/login`);
    await p.locator("input[name=username]").fill("demo_qiye_quanzhou");
    await p.locator("input[name=password]").fill(ACCOUNTS.demo_qiye_quanzhou);
    await clickAndWait(p, p.getByRole("button", { name: "登录" }));
    await p.locator(".nav").getByRole("button", { name: "退出" }).waitFor();
    await p.goto(`${BASE}/calls/${CALL}`);
    await p.locator("select[name=direction]").selectOption(FX.direction);
    await clickAndWait(p, p.getByRole("button", { name: "开始填写申报书" }), /\/applications\/\d+\/edit$/);
    appId = Number(new URL(p.url()).pathname.split("/")[2]);
    // Nothing ran: the division picker's selects are made by app.js, the code input is plain.
    assert.equal(await p.locator("[data-region-picker] select").count(), 0, "no script-made selects");
    assert.ok(await p.locator('input[name="f.company_region"]').isVisible(), "the region code is a text input");
  });

  it("fills the form round by round, adds a member row with the no-JS button, saves", STEP, async () => {
    let pending = Object.entries(FX.answers).flatMap(([k, v]) => pairs(k, v));
    for (let round = 0; pending.length > 0 && round < 4; round++) {
      const later = [];
      for (const [name, value] of pending) if (!(await put(name, value))) later.push([name, value]);
      await save(p);
      pending = later;
    }
    assert.deepEqual(pending.map(([n]) => n), [], "inputs that never showed");
    const rows = p.locator('[data-rows="consortium_members"] tr[data-row]');
    assert.equal(await rows.count(), 1, "one member row");

    // "增加一行" is a submit button: the server saves and comes back with a second row.
    await clickAndWait(p, p.locator('[data-rows="consortium_members"] button.add-row'));
    assert.equal(await rows.count(), 2, "a second member row");
    assert.equal(await p.locator('input[name="f.consortium_members[0].name"]').inputValue(), FX.answers.consortium_members[0].name, "the first row kept");
    await p.locator('input[name="f.consortium_members[1].name"]').fill(MEMBER.name);
    await p.locator('input[name="f.consortium_members[1].uscc"]').fill(MEMBER.uscc);
    await p.locator(`input[name="f.consortium_members[1].role"][value="${MEMBER.role}"]`).check();
    await save(p);
    assert.equal(await rows.count(), 2);
    assert.equal(await p.locator('[data-rows="consortium_members"] button.add-row').count(), 0, "at most two members: no more add button");
    assert.equal(await p.locator('input[name="f.consortium_members[1].uscc"]').inputValue(), MEMBER.uscc);
    assert.ok(await p.locator(`input[name="f.consortium_members[1].role"][value="${MEMBER.role}"]`).isChecked());
    assert.ok(await p.locator('input[name="f.is_consortium"][value="是"]').isChecked(), "the choice kept");
    const problems = await p.locator(".problems a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    const fields = problems.filter((h) => Object.keys(FX.answers).some((k) => h === `#field-${k}`));
    assert.deepEqual(fields, [], "fields still listed as problems after filling");
  });

  it("uploads the files, accepts the commitment and submits: 已提交", STEP, async () => {
    await uploadFiles(p, FX.files);
    await clickAndWait(p, p.locator("form#app-form button[name=action][value=submit]"), new RegExp(`/applications/${appId}/submit$`));
    const blocked = p.locator(".panel .notice.error");
    assert.equal(await blocked.count(), 0, `submission blocked: ${await blocked.allTextContents()}`);
    const sector = p.locator("select[name=sector]");
    // 典型应用场景 goes to the competent 市直 department the applicant names: the demo's.
    assert.equal(await sector.count(), 1, "a sector department to choose");
    await sector.selectOption(SECTOR);
    const just = p.locator("textarea[name=justification]");
    if ((await just.count()) > 0) await just.fill("情况说明：以上提示事项已逐项核实。");
    await p.getByLabel("我单位已阅读并承诺遵守以上内容").check();
    await clickAndWait(p, p.getByRole("button", { name: "确认提交" }), new RegExp(`/applications/${appId}$`));
    assert.equal((await p.locator(".notice.ok").first().textContent()).trim(), "申报书已提交");
    assert.match(await p.locator("h1 .badge").textContent(), /已提交/);
    await j.shoot(p, "submitted");
  });

  it("the 市直 sector department finds it in its queue, recommends and forwards it to 泉州", STEP, async () => {
    const b = await j.login("demo_hangye_quanzhou");
    await b.goto(`${BASE}/review/${CALL}`);
    const link = b.locator(`table.queue a[href="/review/${CALL}/applications/${appId}"]`);
    assert.equal(await link.count(), 1, "in the sector department's queue");
    await clickAndWait(b, link, new RegExp(`/applications/${appId}$`));
    const form = await decisionForm(b, "recommend");
    await form.locator("textarea[name=opinion]").fill("场景成效显著，同意推荐。");
    for (const sig of await form.locator('input[name^="sig."]').all()) await sig.fill("郑经办");
    await clickAndWait(b, form.getByRole("button", { name: "推荐", exact: true }));
    assert.match(await b.locator("h1 .badge").textContent(), /已推荐/);
    await b.goto(`${BASE}/review/${CALL}/ranking?direction=${FX.direction}`);
    // The letter and the stamped summary go with the list (正式行文…随函报送), uploaded
    // without JavaScript too.
    await uploadScans(b);
    await b.getByLabel("我已确认推荐名单和排序无误，报送后不能再修改").check();
    await clickAndWait(b, b.getByRole("button", { name: "确认报送" }));
    assert.match(await b.locator(".notice.ok").first().textContent(), /已于以下时间报送/);
    // The city receives it from the sector department, not from a county.
    const c = await j.login("demo_shi_quanzhou");
    await c.goto(`${BASE}/review/${CALL}/ranking?direction=${FX.direction}`);
    const received = c.locator("table.received tbody tr", { hasText: ORG.name });
    assert.equal(await received.count(), 1, "the city sees the sector's list");
    assert.match(await received.textContent(), new RegExp(SECTOR));
  });

  it("no request off the loopback server", () => {
    assert.deepEqual(j.offHost, []);
  });
});
