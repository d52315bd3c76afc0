// 择优排序 in a browser, on qz-2024-ai-industry (the call whose levels rank): two 鲤城区
// companies apply in the same direction (the demo applicant and a newly registered one); the
// county bureau recommends both, moves the second above the first, downloads its package (ZIP)
// and finds the folders in that order, forwards the list (then frozen: no more moving), and the
// 泉州 city bureau sees the county's ranks in 下级报送的推荐名单.
// Run by `bash scripts/e2e` (see journey.mjs for the environment).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  ACCOUNTS, BASE, Journey, STEP, clickAndWait, download, fillForm, fixture, register, submit, uploadFiles, uploadScans, uscc, decisionForm,
} from "./journey.mjs";

const CALL = "qz-2024-ai-industry";
const A = { uscc: "91350502MA3DEM0351", name: "泉州演示智能有限公司", region: "350502" };
const B = { uscc: uscc("350502", 771), name: "泉州鲤城排序测试科技有限公司", region: "350502" };
const B_USER = "e2e_rank_b";
const j = new Journey("ranking");
const ids = {};

/** The applicant `who` of `org` fills in 领雁 软件企业 and submits; returns the application id. */
async function apply(p, org) {
  const fx = fixture(CALL, "lingyan_software.valid.json", org);
  fx.files = fx.files.map((f) => ({ ...f, size: Math.min(f.size, 256 * 1024) }));
  await p.goto(`${BASE}/calls/${CALL}`);
  await p.locator("select[name=direction]").selectOption(fx.direction);
  await clickAndWait(p, p.getByRole("button", { name: "开始填写申报书" }), /\/applications\/\d+\/edit$/);
  const id = Number(new URL(p.url()).pathname.split("/")[2]);
  await fillForm(p, fx.answers);
  await uploadFiles(p, fx.files);
  await submit(p, id);
  return id;
}

/** The names of the organisations in the ranking table, top first. */
async function order(p) {
  return p.locator("table.ranking tbody tr td:nth-child(3)").allTextContents();
}

describe(`${CALL}: the county ranks two applications, packages and forwards them`, () => {
  before(() => j.start());
  after(() => j.close());

  it("two 鲤城区 companies apply in the same direction", STEP, async () => {
    ids.a = await apply(await j.login("demo_qiye_quanzhou"), A);
    const p = await register(j, { username: B_USER, password: "Ranking-2025-secret", org: B, contact: "陈排序" });
    ids.b = await apply(p, B);
    assert.ok(ids.a > 0 && ids.b > ids.a);
  });

  it("the county recommends both: ranked in the order recommended", STEP, async () => {
    const p = await j.login("demo_xian_licheng");
    for (const id of [ids.a, ids.b]) {
      await p.goto(`${BASE}/review/${CALL}/applications/${id}`);
      const form = await decisionForm(p, "recommend");
      await form.locator("textarea[name=opinion]").fill("经审核，同意推荐。");
      for (const sig of await form.locator('input[name^="sig."]').all()) await sig.fill("林经办");
      await clickAndWait(p, form.getByRole("button", { name: "推荐", exact: true }));
      assert.match(await p.locator("h1 .badge").textContent(), /已推荐/);
    }
    await p.goto(`${BASE}/review/${CALL}/ranking?direction=lingyan_software`);
    assert.deepEqual(await order(p), [A.name, B.name]);
  });

  it("moves the second up; the package follows the new order", STEP, async () => {
    const p = await j.page("demo_xian_licheng");
    const row = p.locator("table.ranking tbody tr", { hasText: B.name });
    await clickAndWait(p, row.getByRole("button", { name: "上移" }));
    assert.deepEqual(await order(p), [B.name, A.name], "B first after moving it up");
    const ranks = await p.locator("table.ranking tbody tr td:first-child").allTextContents();
    assert.deepEqual(ranks.map((r) => r.trim()), ["1", "2"]);
    // The package, downloaded in the browser: B's folder is 01, A's 02.
    const { name, bytes } = await download(p, p.locator(`a[href="/review/${CALL}/package"]`).first());
    assert.match(name, /\.zip$/);
    const { default: JSZip } = await import("jszip");
    const zip = await JSZip.loadAsync(bytes);
    const folders = [...new Set(Object.keys(zip.files).filter((n) => n.includes("/")).map((n) => n.split("/")[0]))];
    assert.equal(folders.length, 2, `two folders: ${folders}`);
    assert.ok(folders.find((f) => f.startsWith("01-")).includes(B.name), `01 is B: ${folders}`);
    assert.ok(folders.find((f) => f.startsWith("02-")).includes(A.name), `02 is A: ${folders}`);
    for (const f of folders) {
      const files = Object.keys(zip.files).filter((n) => n.startsWith(`${f}/`));
      assert.ok(files.some((n) => n.endsWith(".docx")) && files.some((n) => n.endsWith(".pdf")), `forms in ${f}`);
    }
  });

  it("forwards the list: frozen afterwards", STEP, async () => {
    const p = await j.page("demo_xian_licheng");
    // 正式行文推荐…随函报送: not without the sealed letter and summary.
    await p.getByLabel("我已确认推荐名单和排序无误，报送后不能再修改").check();
    await clickAndWait(p, p.getByRole("button", { name: "确认报送" }));
    assert.match(await p.locator("body").textContent(), /报送前请先上传/);
    await p.goBack();
    await p.reload();
    await uploadScans(p);
    await p.getByLabel("我已确认推荐名单和排序无误，报送后不能再修改").check();
    await clickAndWait(p, p.getByRole("button", { name: "确认报送" }));
    assert.match(await p.locator(".notice.ok").first().textContent(), /已于以下时间报送/);
    assert.equal(await p.getByRole("button", { name: "上移" }).count(), 0, "no more moving");
    assert.deepEqual(await order(p), [B.name, A.name]);
  });

  it("the city sees the county's ranks", STEP, async () => {
    const p = await j.login("demo_shi_quanzhou");
    await p.goto(`${BASE}/review/${CALL}/ranking?direction=lingyan_software`);
    const received = p.locator("table.received tbody tr");
    assert.equal(await received.count(), 2);
    const rows = await received.evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
    const rankOf = (name) => rows.find((r) => r.includes(name))?.[1];
    assert.equal(rankOf(B.name), "第1位");
    assert.equal(rankOf(A.name), "第2位");
    assert.deepEqual(j.pageErrors, [], "no script errors");
    assert.deepEqual(j.offHost, [], "no request off the server");
    assert.ok(ACCOUNTS.demo_shi_quanzhou);
  });
});
