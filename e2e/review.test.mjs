// The whole life of one application in a browser, every user in a context of their own,
// clicking through the pages: sd-2024-llm-cases (city bureau → province owner).
//   demo_qiye_jinan   fills in the complete form (case.valid.json), uploads the files, submits;
//   demo_shi_jinan    returns it with a comment; the applicant changes a field, resubmits;
//                     the bureau sees the change, recommends, forwards the list;
//   demo_ting         auto-assigns two experts;
//   demo_zhuanjia(2)  score every criterion and submit;
//   demo_ting         ranks, selects, publishes; an anonymous visitor reads the results;
//   the applicant     sees the outcome on its application page.
// Run by `bash scripts/e2e` (see journey.mjs for the environment).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { BASE, Journey, STEP, clickAndWait, fillForm, fixture, submit, uploadFiles } from "./journey.mjs";

const CALL = "sd-2024-llm-cases";
const ORG = { uscc: "91370102MA3DEM0002", name: "济南演示科技有限公司", region: "370102" };
const FX = fixture(CALL, "case.valid.json", ORG);
const PRODUCT = FX.answers.product_name;
const RETURN_COMMENT = "请补充联系人的职务：应填写联系人在本单位的正式职务。";
const NEW_TITLE = "首席技术官";
const OPINION = "经审核，申报材料真实完整，技术水平较高，同意推荐。";
const SCORES = {
  demo_zhuanjia: { tech_level: 90, representativeness: 85, demonstration: 88, innovation: 92, promotion_value: 86 },
  demo_zhuanjia2: { tech_level: 84, representativeness: 80, demonstration: 82, innovation: 88, promotion_value: 90 },
};

const j = new Journey("review");
let appId;
let assigned = [];
let introduction;

describe(`${CALL}: applicant → city bureau → owner → experts → results`, () => {
  before(() => j.start());
  after(() => j.close());

  it("the applicant opens the call and starts an application", STEP, async () => {
    const p = await j.login("demo_qiye_jinan");
    await p.goto(`${BASE}/`);
    await clickAndWait(p, p.locator(`.call-card a.call-title[href="/calls/${CALL}"]`), new RegExp(`/calls/${CALL}$`));
    await p.locator("select[name=direction]").selectOption(FX.direction);
    await clickAndWait(p, p.getByRole("button", { name: "开始填写申报书" }), /\/applications\/\d+\/edit$/);
    appId = Number(new URL(p.url()).pathname.split("/")[2]);
    assert.ok(appId > 0);
  });

  it("fills in the complete form from case.valid.json and uploads its files", STEP, async () => {
    const p = await j.page("demo_qiye_jinan");
    await fillForm(p, FX.answers);
    // After the save, only the files are missing (the problem list names no field).
    const problems = await p.locator(".problems a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    const fields = problems.filter((h) => Object.keys(FX.answers).some((k) => h === `#field-${k}`));
    assert.deepEqual(fields, [], "fields still listed as problems after filling");
    await uploadFiles(p, FX.files);
    await j.shoot(p, "1-applicant-form");
  });

  it("submits (commitment accepted)", STEP, async () => {
    const p = await j.page("demo_qiye_jinan");
    const warnings = await submit(p, appId);
    assert.deepEqual(warnings, [], "a valid fixture raises no warnings");
    assert.match(await p.locator("h1 .badge").textContent(), /已提交/);
    await j.shoot(p, "2-applicant-submitted");
  });

  it("the city bureau finds it in 审核工作台 and returns it with a comment", STEP, async () => {
    const p = await j.login("demo_shi_jinan");
    await clickAndWait(p, p.locator(".nav").getByRole("link", { name: "审核工作台" }), /\/review$/);
    await clickAndWait(p, p.locator(`a[href="/review/${CALL}"]`).first(), new RegExp(`/review/${CALL}$`));
    const row = p.locator("table.queue tbody tr", { hasText: PRODUCT });
    assert.equal(await row.count(), 1, "the application is in the queue");
    assert.match(await row.textContent(), new RegExp(ORG.name));
    await j.shoot(p, "3-bureau-queue");
    await clickAndWait(p, row.getByRole("link", { name: PRODUCT }), new RegExp(`/review/${CALL}/applications/${appId}$`));
    assert.equal((await p.locator(".notice.ok", { hasText: "系统核查未发现问题" }).count()), 1, "the system check finds nothing");
    assert.ok((await p.locator("ul.files li").count()) === FX.files.length, "every file listed");
    const form = p.locator("form.card", { has: p.locator("input[name=action][value=return]") });
    await form.locator("textarea[name=comment]").fill(RETURN_COMMENT);
    await clickAndWait(p, form.getByRole("button", { name: "退回修改" }));
    assert.match(await p.locator("h1 .badge").textContent(), /退回修改/);
    await j.shoot(p, "4-bureau-returned");
  });

  it("the applicant sees the comment, changes one field and resubmits", STEP, async (t) => {
    const p = await j.page("demo_qiye_jinan");
    await clickAndWait(p, p.locator(".nav").getByRole("link", { name: "我的申报" }), /\/applications$/);
    const row = p.locator("table.list tbody tr", { has: p.locator(`a[href^="/applications/${appId}"]`) });
    assert.match(await row.textContent(), /退回修改/);
    await clickAndWait(p, row.locator(`a[href^="/applications/${appId}"]`), new RegExp(`/applications/${appId}(/edit)?$`));
    if (p.url().endsWith("/edit")) {
      // The list sends a returned application straight to the form; the comment is on the
      // application's page, one click away (the call title above the form).
      t.diagnostic(`我的申报 links the returned application to its form; comment on the form: ${(await p.locator("body").textContent()).includes(RETURN_COMMENT)}`);
      await clickAndWait(p, p.locator(`.issuer a[href="/applications/${appId}"]`), new RegExp(`/applications/${appId}$`));
    }
    const comment = p.locator(".notice.error[role=alert]");
    assert.match(await comment.textContent(), /审核单位退回修改意见/);
    assert.match(await comment.textContent(), new RegExp(RETURN_COMMENT));
    await j.shoot(p, "5-applicant-returned");
    await clickAndWait(p, p.getByRole("link", { name: "填写" }), new RegExp(`/applications/${appId}/edit$`));
    const title = p.locator('form#app-form input[name="f.contact_title"]');
    assert.equal(await title.inputValue(), FX.answers.contact_title);
    await title.fill(NEW_TITLE);
    await submit(p, appId);
    assert.match(await p.locator("h1 .badge").textContent(), /已提交/);
  });

  it("the bureau sees the change highlighted, recommends and forwards the list", STEP, async () => {
    const p = await j.page("demo_shi_jinan");
    await p.goto(`${BASE}/review/${CALL}`);
    const row = p.locator("table.queue tbody tr", { hasText: PRODUCT });
    await clickAndWait(p, row.getByRole("link", { name: PRODUCT }), new RegExp(`/applications/${appId}$`));
    const change = p.locator("table.changes tbody tr");
    assert.equal(await change.count(), 1, "one changed field");
    assert.equal((await change.locator("del").textContent()).trim(), FX.answers.contact_title);
    assert.equal((await change.locator("ins").textContent()).trim(), NEW_TITLE);
    await change.scrollIntoViewIfNeeded();
    await j.shoot(p, "6-bureau-changes", { fullPage: false });
    const form = p.locator("form.card", { has: p.locator("input[name=action][value=recommend]") });
    await form.locator("textarea[name=opinion]").fill(OPINION);
    for (const sig of await form.locator('input[name^="sig."]').all()) await sig.fill("王审核");
    await clickAndWait(p, form.getByRole("button", { name: "推荐", exact: true }));
    const problem = p.locator("#actions ~ .notice.error");
    assert.equal(await problem.count(), 0, `recommend refused: ${await problem.allTextContents()}`);
    assert.match(await p.locator("h1 .badge").textContent(), /已推荐/);
    assert.match(await p.locator("body").textContent(), new RegExp(OPINION));

    await clickAndWait(p, p.getByRole("link", { name: "返回列表" }), new RegExp(`/review/${CALL}`));
    await clickAndWait(p, p.getByRole("link", { name: /汇总报送|推荐排序与报送/ }).first(), /\/ranking\?direction=/);
    assert.equal(await p.locator("table.ranking tbody tr", { hasText: PRODUCT }).count(), 1);
    await p.getByLabel("我已确认推荐名单和排序无误，报送后不能再修改").check();
    await clickAndWait(p, p.getByRole("button", { name: "确认报送" }));
    assert.match(await p.locator(".notice.ok").first().textContent(), /已于以下时间报送/);
    await j.shoot(p, "7-bureau-forwarded");
  });

  it("the owner sees it and auto-assigns two experts", STEP, async () => {
    const p = await j.login("demo_ting");
    await p.goto(`${BASE}/`);
    await clickAndWait(p, p.locator(".nav").getByRole("link", { name: "征集管理" }), /\/owner$/);
    await clickAndWait(p, p.locator(`a[href="/owner/${CALL}"]`), new RegExp(`/owner/${CALL}$`));
    await j.shoot(p, "8-owner-dashboard");
    await clickAndWait(p, p.locator("nav.tabs").getByRole("link", { name: "分配评审专家" }), /\/assignments/);
    const row = p.locator(`tr#app-${appId}`);
    assert.match(await row.textContent(), new RegExp(PRODUCT));
    await p.locator("input[name=per_application]").fill("2");
    await clickAndWait(p, p.getByRole("button", { name: "开始自动分配" }));
    assert.match(await p.locator(".auto-result").textContent(), /本次新分配评审任务：\s*2/);
    await clickAndWait(p, p.getByRole("link", { name: "返回分配页面" }), /\/assignments/);
    const experts = await p.locator(`tr#app-${appId} td:last-child > div`).allTextContents();
    assert.equal(experts.length, 2, `two experts assigned: ${experts}`);
    const names = { "评审专家甲": "demo_zhuanjia", "评审专家乙": "demo_zhuanjia2", "评审专家丙": "demo_zhuanjia3" };
    assigned = experts.map((t) => Object.entries(names).find(([n]) => t.includes(n))?.[1]);
    assert.deepEqual([...assigned].sort(), ["demo_zhuanjia", "demo_zhuanjia2"], `assigned: ${experts}`);
    await j.shoot(p, "9-owner-assignments");
  });

  for (const expert of ["demo_zhuanjia", "demo_zhuanjia2"]) {
    it(`${expert} scores every criterion and submits`, STEP, async () => {
      const p = await j.login(expert);
      await p.goto(`${BASE}/`);
      await clickAndWait(p, p.locator(".nav").getByRole("link", { name: "评审任务" }), /\/expert$/);
      const row = p.locator("table tbody tr", { hasText: PRODUCT });
      assert.equal(await row.count(), 1, "the assignment is listed");
      await clickAndWait(p, row.getByRole("link", { name: "评分" }), /\/expert\/assignments\/\d+/);
      const scores = SCORES[expert];
      const inputs = p.locator('form.sheet input[name^="score."]');
      assert.equal(await inputs.count(), Object.keys(scores).length, "one score per criterion");
      for (const [id, v] of Object.entries(scores)) {
        await p.locator(`input[name="score.${id}"]`).fill(String(v));
        await p.locator(`textarea[name="comment.${id}"]`).fill(`${id}：表现良好。`);
      }
      await p.locator("form.sheet textarea[name=comment]").fill("案例技术先进，应用成效明显，建议入选。");
      await clickAndWait(p, p.getByRole("button", { name: "暂存" }), /msg=/);
      assert.equal(await p.locator('input[name="score.tech_level"]').inputValue(), String(scores.tech_level), "saved score kept");
      await p.getByLabel("我确认评分无误，提交后不可修改").check();
      await clickAndWait(p, p.getByRole("button", { name: "提交评分" }), /msg=/);
      assert.match(await p.locator("h1 .badge").textContent(), /已提交/);
      const weights = { tech_level: 25, representativeness: 15, demonstration: 20, innovation: 20, promotion_value: 20 };
      const total = Object.entries(scores).reduce((s, [id, v]) => s + (v * weights[id]) / 100, 0);
      assert.equal(Number((await p.locator("strong.total").textContent()).trim()), Math.round(total * 100) / 100);
      await j.shoot(p, `10-${expert}-submitted`);
    });
  }

  it("the owner ranks, selects and publishes", STEP, async () => {
    const p = await j.page("demo_ting");
    await p.goto(`${BASE}/owner/${CALL}`);
    await clickAndWait(p, p.locator("nav.tabs").getByRole("link", { name: "评分排名与入选" }), /\/ranking/);
    const row = p.locator(`tr#rank-${appId}`);
    assert.match(await row.textContent(), new RegExp(PRODUCT));
    assert.equal((await row.locator("td.rank").textContent()).trim(), "1");
    assert.equal((await row.locator("td:nth-child(5) > div").count()), 2, "two experts' totals");
    await j.shoot(p, "11-owner-ranking");
    await row.locator("input[name=id]").check();
    await clickAndWait(p, p.getByRole("button", { name: "勾选项设为入选" }));
    assert.match(await p.locator(`tr#rank-${appId}`).textContent(), /入选/);
    await clickAndWait(p, p.getByRole("link", { name: "公布结果" }).last(), /\/publish$/);
    assert.equal(await p.locator("table tbody tr", { hasText: PRODUCT }).count(), 1, "listed for publication");
    await j.shoot(p, "12-owner-publish");
    await p.getByLabel("我已核对入选名单，确认公布，公布后不可更改").check();
    await clickAndWait(p, p.getByRole("button", { name: "确认公布" }), /msg=published/);
    assert.match(await p.locator("h1").textContent(), /已公布/);
  });

  it("an anonymous visitor reads the results", STEP, async () => {
    const p = await j.page("anonymous");
    await p.goto(`${BASE}/calls/${CALL}`);
    await clickAndWait(p, p.getByRole("link", { name: "查看入选名单公示" }), new RegExp(`/calls/${CALL}/results$`));
    const row = p.locator("table.results tbody tr", { hasText: PRODUCT });
    assert.equal(await row.count(), 1);
    assert.match(await row.textContent(), new RegExp(ORG.name));
    await j.shoot(p, "13-public-results");
    introduction = (await row.locator("td").last().textContent()).trim();
  });

  // [publication] introduction = "answers.model_intro": cut to 120 characters and "……".
  it("the results show the call's introduction (大模型简介)", () => {
    const full = FX.answers.model_intro.replace(/\s+/g, " ").trim();
    const want = [...full].length > 120 ? [...full].slice(0, 120).join("") + "……" : full;
    assert.equal(introduction, want);
  });

  it("the applicant sees the outcome on its application page", STEP, async (t) => {
    const p = await j.page("demo_qiye_jinan");
    await clickAndWait(p, p.locator(".nav").getByRole("link", { name: "我的申报" }), /\/applications$/);
    await clickAndWait(p, p.locator(`table.list a[href^="/applications/${appId}"]`), new RegExp(`/applications/${appId}$`));
    const badge = (await p.locator("h1 .badge").textContent()).trim();
    const history = await p.locator("table.grid").last().textContent();
    t.diagnostic(`applicant page: status badge "${badge}"; history mentions 入选: ${/入选/.test(history)}; results link: ${await p.locator('a[href$="/results"]').count()}`);
    assert.equal(badge, "入选");
    await j.shoot(p, "14-applicant-outcome");
  });

  it("no script errors and no request off the loopback server", (t) => {
    t.diagnostic(`screenshots: ${j.shots.join(", ")}`);
    assert.deepEqual(j.pageErrors, []);
    assert.deepEqual(j.offHost, []);
  });
});
