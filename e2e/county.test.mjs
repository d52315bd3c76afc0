// A second journey in a browser, through a county: qz-2024-ai-industry, “领雁”软件企业
// (county bureau → city bureau → province owner), every user in a context of their own.
//   demo_qiye_quanzhou  (350502) fills in lingyan_software.valid.json, with two rows of
//                       研发平台 added by the form's "add row" button, uploads, submits;
//   demo_xian_licheng   recommends with the signed opinion, forwards the ranked list;
//   demo_shi_quanzhou   sees the county's rank, recommends, forwards to the province;
//   demo_ting           sees it among the applications at the owner.
// Run by `bash scripts/e2e` (see journey.mjs for the environment).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { BASE, Journey, STEP, clickAndWait, fillForm, fixture, submit, uploadFiles } from "./journey.mjs";

const CALL = "qz-2024-ai-industry";
const ORG = { uscc: "91350502MA3DEM0351", name: "泉州演示智能有限公司", region: "350502" };
const FX = fixture(CALL, "lingyan_software.valid.json", ORG);

const j = new Journey("county");
let appId;
let warnings = [];

// Recommends the application open on `p` (a bureau's review page) with an opinion and the
// signature lines the level asks for, and checks it took.
async function recommend(p, opinion, signer) {
  const form = p.locator("form.card", { has: p.locator("input[name=action][value=recommend]") });
  await form.locator("textarea[name=opinion]").fill(opinion);
  for (const sig of await form.locator('input[name^="sig."]').all()) await sig.fill(signer);
  await clickAndWait(p, form.getByRole("button", { name: "推荐", exact: true }));
  const problem = p.locator("#actions ~ .notice.error");
  assert.equal(await problem.count(), 0, `recommend refused: ${await problem.allTextContents()}`);
  assert.match(await p.locator("h1 .badge").textContent(), /已推荐/);
}

// From a bureau's queue page: the direction's ranking / forwarding page, confirm, forward.
async function forward(p, directionName) {
  await clickAndWait(p, p.getByRole("link", { name: new RegExp(`^${directionName} · `) }), /\/ranking\?direction=lingyan_software/);
  const row = p.locator("table.ranking tbody tr", { has: p.locator(`a[href$="/applications/${appId}"]`) });
  assert.equal(await row.count(), 1, "in the list to forward");
  await p.getByLabel("我已确认推荐名单和排序无误，报送后不能再修改").check();
  await clickAndWait(p, p.getByRole("button", { name: "确认报送" }));
  assert.match(await p.locator(".notice.ok").first().textContent(), /已于以下时间报送/);
  return row;
}

describe(`${CALL}: applicant → county → city → owner`, () => {
  before(() => j.start());
  after(() => j.close());

  it("the applicant fills in lingyan_software (rows added with the button), uploads, submits", STEP, async () => {
    const p = await j.login("demo_qiye_quanzhou");
    await p.goto(`${BASE}/`);
    await clickAndWait(p, p.locator(`.call-card a.call-title[href="/calls/${CALL}"]`), new RegExp(`/calls/${CALL}$`));
    await p.locator("select[name=direction]").selectOption(FX.direction);
    await clickAndWait(p, p.getByRole("button", { name: "开始填写申报书" }), /\/applications\/\d+\/edit$/);
    appId = Number(new URL(p.url()).pathname.split("/")[2]);
    await fillForm(p, FX.answers);
    assert.equal(await p.locator('[data-rows="rd_platforms"] tr[data-row]').count(), FX.answers.rd_platforms.length);
    await uploadFiles(p, FX.files);
    await j.shoot(p, "1-applicant-form");
    warnings = await submit(p, appId);
    assert.deepEqual(warnings, [], "no warning");
    await j.shoot(p, "2-applicant-submitted");
  });

  it("the county bureau recommends it and forwards its list", STEP, async () => {
    const p = await j.login("demo_xian_licheng");
    await clickAndWait(p, p.locator(".nav").getByRole("link", { name: "审核工作台" }), /\/review$/);
    await clickAndWait(p, p.locator(`a[href="/review/${CALL}"]`).first(), new RegExp(`/review/${CALL}$`));
    const link = p.locator(`table.queue a[href="/review/${CALL}/applications/${appId}"]`);
    const row = p.locator("table.queue tbody tr", { has: p.locator(`a[href="/review/${CALL}/applications/${appId}"]`) });
    assert.match(await row.textContent(), new RegExp(ORG.name));
    await j.shoot(p, "3-county-queue");
    await clickAndWait(p, link, new RegExp(`/applications/${appId}$`));
    // The system check: no errors and, with a valid organisation code, no warnings.
    assert.equal(await p.locator("ul.notice.error").count(), 0, "no errors");
    assert.deepEqual(await p.locator("ul.notice.demo li").allTextContents(), warnings);
    if (warnings.length > 0) {
      assert.match(await p.locator("h3:has-text('申报单位对提示事项的说明') + p").textContent(), /情况说明/);
    }
    await recommend(p, "该企业人工智能软件业务突出，同意推荐。", "李经办");
    await j.shoot(p, "4-county-recommended");
    await clickAndWait(p, p.getByRole("link", { name: "返回列表" }), new RegExp(`/review/${CALL}`));
    await forward(p, "“领雁”软件企业");
    await j.shoot(p, "5-county-forwarded");
  });

  it("the city bureau sees the county's rank, recommends and forwards to the province", STEP, async () => {
    const p = await j.login("demo_shi_quanzhou");
    await clickAndWait(p, p.locator(".nav").getByRole("link", { name: "审核工作台" }), /\/review$/);
    await clickAndWait(p, p.locator(`a[href="/review/${CALL}"]`).first(), new RegExp(`/review/${CALL}$`));
    const link = p.locator(`table.queue a[href="/review/${CALL}/applications/${appId}"]`);
    assert.equal(await link.count(), 1, "forwarded by the county into the city's queue");
    await clickAndWait(p, link, new RegExp(`/applications/${appId}$`));
    const decisions = await p.locator("h2:has-text('各级审核意见') + table").textContent();
    assert.match(decisions, /该企业人工智能软件业务突出/, "the county's opinion is shown");
    await recommend(p, "经复核，同意县级推荐意见。", "周审批");
    await clickAndWait(p, p.getByRole("link", { name: "返回列表" }), new RegExp(`/review/${CALL}`));
    const row = await forward(p, "“领雁”软件企业");
    await j.shoot(p, "6-city-forwarded");
    const lower = p.locator("table.ranking thead th", { hasText: "下级推荐排序" });
    assert.equal(await lower.count(), 1, "the county's rank column");
    assert.ok((await row.textContent()).includes("1"), "ranked first by the county");
  });

  it("the owner sees it at the province", STEP, async () => {
    const p = await j.login("demo_ting");
    await p.goto(`${BASE}/`);
    await clickAndWait(p, p.locator(".nav").getByRole("link", { name: "征集管理" }), /\/owner$/);
    await clickAndWait(p, p.locator(`a[href="/owner/${CALL}"]`), new RegExp(`/owner/${CALL}$`));
    await clickAndWait(p, p.locator("nav.tabs").getByRole("link", { name: "分配评审专家" }), /\/assignments/);
    const row = p.locator(`tr#app-${appId}`);
    assert.equal(await row.count(), 1, "at the owner");
    assert.match(await row.textContent(), new RegExp(ORG.name));
    await j.shoot(p, "7-owner-assignments");
  });

  it("no script errors and no request off the loopback server", (t) => {
    t.diagnostic(`screenshots: ${j.shots.join(", ")}`);
    assert.deepEqual(j.pageErrors, []);
    assert.deepEqual(j.offHost, []);
  });
});
