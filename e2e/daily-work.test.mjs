// A county bureau's daily work on a full queue (issue 16): 22 鲤城区 companies submit 算力服务
// applications over HTTP; in the browser the county bureau sees the totals and the days
// left, ticks the whole first page of 20 and recommends them with one opinion, exports the
// filtered queue as a workbook, then works through the last two on the review page (the
// paper form beside the decision panel) with 推荐并下一件 and 退回并下一件 until the queue is
// empty. Screenshots of the queue and the review page at 1366×768 and on a 390-pixel phone.
// Run by `bash scripts/e2e` (see journey.mjs for the environment).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { BASE, Journey, STEP, clickAndWait, decisionForm, download, fixture, ooxmlText, uscc } from "./journey.mjs";
import { applyOverHttp } from "./http-applicant.mjs";

const CALL = "qz-2024-ai-industry";
const N = 22;
const j = new Journey("daily-work");
const ids = [];
const org = (k) => ({ uscc: uscc("350502", 5000 + k), name: `鲤城批量测试${String(k).padStart(2, "0")}科技有限公司`, region: "350502" });

describe(`${CALL}: a county clears its queue in the browser`, () => {
  before(() => j.start());
  after(() => j.close());

  it(`${N} companies of 鲤城区 submit over HTTP`, STEP, async () => {
    for (let k = 0; k < N; k++) {
      const fx = fixture(CALL, "compute_service.valid.json", org(k));
      ids.push(await applyOverHttp(`127.0.1.${k + 1}`, `e2e_queue_${k}`, org(k), CALL, fx));
    }
    assert.equal(new Set(ids).size, N);
  });

  it("the queue shows the totals and the days left; a page of 20 is recommended at once", STEP, async () => {
    const p = await j.login("demo_xian_licheng");
    await p.setViewportSize({ width: 1366, height: 768 });
    await p.goto(`${BASE}/review/${CALL}?status=submitted&sort=oldest`);
    assert.match(await p.locator("nav.totals a[data-status=submitted]").textContent(), new RegExp(`待审核\\s*${N}`));
    assert.match(await p.locator(".days-left").textContent(), /还有 \d+ 天/);
    assert.equal(await p.locator("table.queue tbody tr").count(), 20, "a page of 20");
    await j.shoot(p, "queue");
    // The script shows 全选; it ticks the page and counts.
    const all = p.locator("input[data-check-all]");
    await all.check();
    assert.equal(await p.locator('#batch input[name=id]:checked').count(), 20);
    assert.match(await p.locator("[data-checked-count]").textContent(), /已选 20 件/);
    const panel = p.locator("fieldset.batch-panel");
    await panel.getByLabel("推荐", { exact: true }).check();
    await panel.locator("textarea[name=text]").fill("经审核，申报材料齐全，同意推荐。");
    for (const sig of await panel.locator('input[name^="sig."]').all()) await sig.fill("林经办");
    await clickAndWait(p, panel.getByRole("button", { name: "批量处理" }));
    assert.match(await p.locator("#batch-report").textContent(), /已批量推荐 20 件申报/);
    assert.match(await p.locator("nav.totals a[data-status=recommended]").textContent(), /已推荐\s*20/);
    assert.match(await p.locator("nav.totals a[data-status=submitted]").textContent(), new RegExp(`待审核\\s*${N - 20}`));
    await j.shoot(p, "queue-after-batch");
  });

  it("the filtered queue downloads as a workbook with every field", STEP, async () => {
    const p = await j.as("demo_xian_licheng");
    await p.goto(`${BASE}/review/${CALL}?status=recommended`);
    const { name, bytes } = await download(p, p.getByRole("link", { name: "导出当前筛选结果（Excel）" }));
    assert.match(name, /\.xlsx$/);
    const text = await ooxmlText(bytes, /^xl\/(sharedStrings\.xml|worksheets\/sheet\d+\.xml)$/);
    assert.ok(text.includes(org(0).name) && text.includes(org(19).name), "the twenty recommended");
    assert.ok(!text.includes(org(21).name), "not the ones still waiting");
    assert.ok(text.includes("受理编号") && text.includes("单位简介"), "fixed columns and the form's fields");
  });

  it("the last two are decided on the review page, each followed by the next", STEP, async () => {
    const p = await j.as("demo_xian_licheng");
    await p.goto(`${BASE}/review/${CALL}?status=submitted&sort=oldest`);
    await clickAndWait(p, p.locator("table.queue tbody tr a").first(), new RegExp(`/applications/${ids[20]}\\?`));
    // The form as the paper reads it, no input in it; the decision panel beside it.
    assert.equal(await p.locator(".paper input, .paper textarea, .paper select").count(), 0);
    assert.ok((await p.locator(".paper").textContent()).includes(org(20).name));
    assert.equal(await p.locator(".review-side").evaluate((e) => getComputedStyle(e).position), "sticky");
    await j.shoot(p, "review", { fullPage: false });
    let form = await decisionForm(p, "recommend");
    await form.locator("textarea[name=opinion]").fill("同意推荐。");
    for (const sig of await form.locator('input[name^="sig."]').all()) await sig.fill("林经办");
    await clickAndWait(p, form.getByRole("button", { name: "推荐并下一件" }), new RegExp(`/applications/${ids[21]}\\?`));
    form = await decisionForm(p, "return");
    await form.locator("textarea[name=comment]").fill("请补充算力采购合同的付款凭证。");
    await clickAndWait(p, form.getByRole("button", { name: "退回并下一件" }), /msg=queue_done/);
    assert.match(await p.locator("main").textContent(), /已处理完当前筛选条件下的全部待审核申报/);
    // Back on the first: the decision shown, the forms folded under it.
    await p.goto(`${BASE}/review/${CALL}/applications/${ids[20]}`);
    assert.match(await p.locator(".decided").textContent(), /已推荐/);
    assert.equal(await p.locator("details.change").getAttribute("open"), null);
  });

  it("on a phone the queue is a list of cards and the panel comes first", STEP, async () => {
    const p = await j.as("demo_xian_licheng");
    await p.setViewportSize({ width: 390, height: 844 });
    await p.goto(`${BASE}/review/${CALL}`);
    assert.equal(await p.locator("table.queue thead").evaluate((e) => getComputedStyle(e).display), "none");
    const width = await p.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 400, `no sideways scrolling (${width}px)`);
    await j.shoot(p, "queue-phone", { fullPage: false });
    await p.goto(`${BASE}/review/${CALL}/applications/${ids[0]}`);
    await j.shoot(p, "review-phone", { fullPage: false });
    assert.deepEqual(j.pageErrors, []);
  });
});
