// The statistics page (统计分析) in a browser, on qz-2024-ai-industry: the demo 鲤城区 company
// submits a 领雁 application; the 鲤城区 bureau opens 统计分析 from its queue and sees the four
// charts drawn by ECharts (served by shenbao itself) beside tables holding the numbers; the
// owner sees the whole call by county from its tabs and downloads the XLSX; without
// JavaScript the same tables are there and no chart is drawn. The Content-Security-Policy
// stays as it is (Journey records anything it blocks as an error), and no request leaves the
// loopback server (no CDN).
// Run by `bash scripts/e2e` (see journey.mjs for the environment).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { BASE, Journey, STEP, clickAndWait, download, fillForm, fixture, ooxmlText, submit, uploadFiles } from "./journey.mjs";

const CALL = "qz-2024-ai-industry";
const ORG = { uscc: "91350502MA3DEM0351", name: "泉州演示智能有限公司", region: "350502" };
const j = new Journey("statistics");

/** The rows of the statistics table of breakdown `id`: [label, count, share]. */
function table(p, id) {
  return p.locator(`#stat-${id}-t tbody tr`).evaluateAll((trs) =>
    trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())),
  );
}

/** The count of `label` in rows of `table`. */
const count = (rows, label) => rows.find((r) => r[0] === label)?.[1];

/** Waits until every chart box holds a drawn canvas; returns how many there are. */
async function charts(p) {
  await p.waitForFunction(() => {
    const boxes = [...document.querySelectorAll(".stat-chart")];
    return boxes.length > 0 && boxes.every((b) => b.querySelector("canvas"));
  });
  return p.locator(".stat-chart.drawn canvas").count();
}

describe(`${CALL}: the statistics pages of a county bureau and of the owner`, () => {
  before(() => j.start());
  after(() => j.close());

  it("the demo 鲤城区 company submits an application", STEP, async () => {
    const p = await j.login("demo_qiye_quanzhou");
    const fx = fixture(CALL, "lingyan_software.valid.json", ORG);
    fx.files = fx.files.map((f) => ({ ...f, size: Math.min(f.size, 256 * 1024) }));
    await p.goto(`${BASE}/calls/${CALL}`);
    await p.locator("select[name=direction]").selectOption(fx.direction);
    await clickAndWait(p, p.getByRole("button", { name: "开始填写申报书" }), /\/applications\/\d+\/edit$/);
    const id = Number(new URL(p.url()).pathname.split("/")[2]);
    await fillForm(p, fx.answers);
    await uploadFiles(p, fx.files);
    await submit(p, id);
  });

  it("the county bureau sees its charts and the numbers beside them", STEP, async () => {
    const p = await j.login("demo_xian_licheng");
    await p.goto(`${BASE}/review/${CALL}`);
    await clickAndWait(p, p.getByRole("link", { name: "统计分析（图表）" }), new RegExp(`/review/${CALL}/statistics$`));
    assert.equal(await p.locator(".stat-summary strong").textContent(), "1");
    assert.equal(await charts(p), 4, "four charts drawn");
    // A chart has a size: drawn, not an empty box.
    const box = await p.locator("#stat-region .stat-chart canvas").boundingBox();
    assert.ok(box && box.width > 200 && box.height > 200, `region chart ${JSON.stringify(box)}`);
    assert.equal(count(await table(p, "region"), "鲤城区"), "1");
    assert.equal(count(await table(p, "direction"), "“领雁”软件企业"), "1");
    assert.equal(count(await table(p, "status"), "已提交"), "1");
    const days = await table(p, "day");
    assert.equal(days.length, 1, "one day of submissions");
    assert.match(days[0][0], /^\d{4}-\d{2}-\d{2}$/);
    await j.shoot(p, "bureau");
  });

  it("the owner sees the call by county and downloads the XLSX", STEP, async () => {
    const p = await j.login("demo_ting");
    await p.goto(`${BASE}/owner/${CALL}`);
    await clickAndWait(p, p.locator("nav.tabs").getByRole("link", { name: "统计分析" }), new RegExp(`/owner/${CALL}/statistics$`));
    assert.equal(await charts(p), 4);
    const regions = await table(p, "region");
    assert.equal(count(regions, "鲤城区"), "1");
    assert.equal(count(regions, "晋江市"), "0", "every county is listed");
    assert.ok(regions.length >= 11, `泉州's counties: ${regions.length}`);
    await j.shoot(p, "owner");
    const { name, bytes } = await download(p, p.getByRole("link", { name: "下载统计表（Excel）" }));
    assert.match(name, /统计分析\.xlsx$/);
    // One sheet per breakdown, each with its label column; the counts are numbers, not text.
    const { default: JSZip } = await import("jszip");
    const zip = await JSZip.loadAsync(bytes);
    const workbook = await zip.file("xl/workbook.xml").async("string");
    for (const s of ["按地区", "按申报方向", "按状态", "按提交日期"]) assert.ok(workbook.includes(`name="${s}"`), `sheet ${s}`);
    const text = await ooxmlText(bytes, /^xl\/sharedStrings\.xml$/);
    for (const s of ["地区", "申报方向", "状态", "提交日期", "鲤城区", "合计"]) assert.ok(text.includes(s), `${s} in the XLSX`);
  });

  it("without JavaScript: the same tables, no chart", STEP, async () => {
    const context = await j.browser.newContext({ javaScriptEnabled: false, locale: "zh-CN" });
    const p = await context.newPage();
    const owner = await j.page("demo_ting");
    await context.addCookies(await owner.context().cookies());
    await p.goto(`${BASE}/owner/${CALL}/statistics`);
    assert.equal(count(await table(p, "region"), "鲤城区"), "1");
    assert.equal(await p.locator(".stat-chart canvas").count(), 0);
    await context.close();
  });

  it("no script errors, nothing blocked by the CSP, no request off the loopback server", () => {
    assert.deepEqual(j.pageErrors, []);
    assert.deepEqual(j.offHost, []);
  });
});
