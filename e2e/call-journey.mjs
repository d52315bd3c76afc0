// One seed call end to end in a browser, every user in a context of their own, clicking
// through the pages (used by the e2e/journey-*.test.mjs files, one call each):
//   a new applicant    registers its organisation (a wrong USCC check character first), opens
//                      the call, fills every field of a direction from the core's fixture, sees
//                      the 字数 counter follow the text and an inline error for a bad value
//                      (then corrects it), uploads the evidence, downloads its form as DOCX,
//                      submits;
//   the first bureau   returns it with a comment; the applicant reads the comment, changes one
//                      field and resubmits; the bureau sees the change highlighted;
//   every bureau       recommends (opinion, signatures), downloads the XLSX summary (the
//                      first level), downloads the recommendation letter where the call has
//                      one (it lists the application), uploads the stamped scans the level
//                      asks for, forwards its list (county → city → province for 泉州);
//   demo_ting          auto-assigns two experts;
//   the experts        score every criterion and submit;
//   demo_ting          selects it and publishes; an anonymous visitor reads the results;
//   the applicant      sees 入选 on its application page.
// A collection (摸底, `collection: true`) ends at the owner instead: 收到的申报与汇总表 lists
// the application and the scans, the summary table holds it, and no expert or results tab
// exists; the applicant sees 已报送汇总.
// Run by `bash scripts/e2e` (see journey.mjs for the environment).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  BASE, Journey, STEP, clickAndWait, download, fillForm, fixture, ooxmlText, register, save, submit, uploadFiles,
  uploadScans, uscc, decisionForm,
} from "./journey.mjs";

const EXPERTS = { "评审专家甲": "demo_zhuanjia", "评审专家乙": "demo_zhuanjia2", "评审专家丙": "demo_zhuanjia3" };

/**
 * The journey of `c`:
 *   call, fixture     the call id and the valid fixture (crates/shenbao_core/tests/fixtures)
 *   org               { region, name, serial }: the organisation registered (its USCC is built)
 *   levels            the bureau accounts, first level first (the first returns it once)
 *   title, intro      answer keys of the call's publication title and introduction
 *   bad               [field, value]: a bad value shown inline, then corrected
 *   revise            [field, value]: the change after the return (a text box)
 *   summary           the summary table id of the first level (XLSX downloaded), if any
 *   docx              answer keys whose values the DOCX form must contain
 *   files             the evidence uploaded, when the fixture has none
 *   counter           false for a call whose form states no 字数 limit (no counter shown)
 *   collection        true for a call that collects only (no experts, selection or results)
 */
export function callJourney(c) {
  const ORG = { uscc: uscc(c.org.region, c.org.serial), name: c.org.name, region: c.org.region };
  const FX = fixture(c.call, c.fixture, ORG);
  // Evidence: the fixture's files (or those given), at most 512 KiB each to keep uploads quick.
  FX.files = (c.files ?? FX.files).map((f) => ({ ...f, size: Math.min(f.size, 512 * 1024) }));
  const CALL = c.call;
  const TITLE = FX.answers[c.title];
  const USER = `e2e_${c.prefix.replace(/-/g, "_")}`;
  const PASSWORD = "Journey-2025-secret";
  const RETURN_COMMENT = "请核实并更正修改一处信息后重新提交。";
  const [BAD_KEY, BAD_VALUE] = c.bad;
  const [REV_KEY, REV_VALUE] = c.revise;
  const direction = FX.subdirection ? `${FX.direction}/${FX.subdirection}` : FX.direction;
  const j = new Journey(c.prefix);
  const queueLink = (p, id) => p.locator(`table.queue a[href="/review/${CALL}/applications/${id}"]`);
  let appId;
  let assigned = [];
  // One step after the other: once one fails, the later ones fail at once (no waiting for
  // timeouts on pages that cannot be reached).
  let failed = null;
  const step = (name, fn) => it(name, STEP, async (t) => {
    assert.equal(failed, null, `an earlier step failed: ${failed}`);
    try {
      await fn(t);
    } catch (e) {
      failed = name;
      throw e;
    }
  });

  // A bureau opens the application from its 审核工作台.
  async function openAtBureau(p) {
    await clickAndWait(p, p.locator(".nav").getByRole("link", { name: "审核工作台" }), /\/review$/);
    await clickAndWait(p, p.locator(`a[href="/review/${CALL}"]`).first(), new RegExp(`/review/${CALL}$`));
    const link = queueLink(p, appId);
    assert.equal(await link.count(), 1, "the application is in the queue");
    const row = p.locator("table.queue tbody tr", { has: p.locator(`a[href="/review/${CALL}/applications/${appId}"]`) });
    assert.match(await row.textContent(), new RegExp(ORG.name));
    await clickAndWait(p, link, new RegExp(`/review/${CALL}/applications/${appId}$`));
  }

  async function recommendAndForward(p, who, first) {
    const form = await decisionForm(p, "recommend");
    await form.locator("textarea[name=opinion]").fill(`经审核，申报材料真实完整，同意推荐。（${who}）`);
    for (const sig of await form.locator('input[name^="sig."]').all()) await sig.fill("王审核");
    await clickAndWait(p, form.getByRole("button", { name: "推荐", exact: true }));
    const problem = p.locator("#actions ~ .notice.error");
    assert.equal(await problem.count(), 0, `recommend refused: ${await problem.allTextContents()}`);
    assert.match(await p.locator("h1 .badge").textContent(), /已推荐/);
    await clickAndWait(p, p.getByRole("link", { name: "返回列表" }), new RegExp(`/review/${CALL}`));
    if (first && c.summary) {
      // The summary table as XLSX, downloaded in the browser: the recommended row is in it.
      const { name, bytes } = await download(p, p.locator(`a[href="/review/${CALL}/summary/${c.summary}"]`));
      assert.match(name, /\.xlsx$/);
      const text = await ooxmlText(bytes, /^xl\/(sharedStrings\.xml|worksheets\/sheet\d+\.xml)$/);
      assert.ok(text.includes(ORG.name), `the summary names ${ORG.name}`);
      if (TITLE !== ORG.name) assert.ok(text.includes(TITLE), `the summary names ${TITLE}`);
    }
    await clickAndWait(p, p.locator(`a[href="/review/${CALL}/ranking?direction=${FX.direction}"]`), /\/ranking\?direction=/);
    const row = p.locator("table.ranking tbody tr", { has: p.locator(`a[href$="/applications/${appId}"]`) });
    assert.equal(await row.count(), 1, "in the list to forward");
    // The recommendation letter (推荐函), where the level writes one: the list names the case.
    const letter = p.locator(`a[href="/review/${CALL}/letter?format=docx"]`);
    if ((await letter.count()) > 0) {
      const { name, bytes } = await download(p, letter);
      assert.match(name, /\.docx$/);
      const text = await ooxmlText(bytes, /^word\/document\.xml$/);
      assert.ok(text.includes(ORG.name), `the letter lists ${ORG.name}`);
    }
    // The stamped scans the level asks for (PDF), each slot uploaded.
    await uploadScans(p);
    await p.getByLabel("我已确认推荐名单和排序无误，报送后不能再修改").check();
    await clickAndWait(p, p.getByRole("button", { name: "确认报送" }));
    assert.match(await p.locator(".notice.ok").first().textContent(), /已于以下时间报送/);
  }

  const end = c.collection ? "owner's summary" : "owner → experts → results";
  describe(`${CALL}: registration → ${c.levels.join(" → ")} → ${end}`, () => {
    before(() => j.start());
    after(() => j.close());

    step("a new organisation registers (USCC checked) and starts an application", async () => {
      const p = await register(j, { username: USER, password: PASSWORD, org: ORG, contact: "赵申报" });
      await p.goto(`${BASE}/`);
      await clickAndWait(p, p.locator(`.call-card a.call-title[href="/calls/${CALL}"]`), new RegExp(`/calls/${CALL}$`));
      await p.locator("select[name=direction]").selectOption(direction);
      await clickAndWait(p, p.getByRole("button", { name: "开始填写申报书" }), /\/applications\/\d+\/edit$/);
      appId = Number(new URL(p.url()).pathname.split("/")[2]);
      assert.ok(appId > 0);
    });

    step(`fills in every field of ${c.fixture}, with the 字数 counter and an inline error`, async () => {
      const p = await j.page(USER);
      await fillForm(p, FX.answers);
      // The 字数 counter of the first long text with a limit follows what is typed (a call
      // whose form states no 字数 limit, c.counter false, shows no counter).
      const name = await p.locator("form#app-form textarea[data-zi-count]:visible").evaluateAll(
        (ts) => ts.map((t) => t.name).find((n) => document.querySelector(`[data-counter-for="${CSS.escape(n)}"] b`)));
      if (c.counter === false) {
        assert.equal(await p.locator("[data-counter-for]").count(), 0, "no 字数 counter without a limit");
      } else {
        assert.ok(name, "a long text with a 字数 counter");
        const area = p.locator(`form#app-form textarea[name="${name}"]`);
        const counter = p.locator(`[data-counter-for="${name}"] b`);
        const full = await counter.textContent();
        assert.ok(Number(full) > 0, `counter of ${name} after filling: ${full}`);
        const text = await area.inputValue();
        await area.fill("一二三四五");
        assert.equal(await counter.textContent(), "5", "the counter follows the text");
        await area.fill(text);
        assert.equal(await counter.textContent(), full);
      }
      // A bad value is saved as a draft and shown at its field; corrected, the error goes.
      const field = p.locator(`form#app-form [data-field="${BAD_KEY}"]`);
      const input = p.locator(`form#app-form [name="f.${BAD_KEY}"]`);
      await input.fill(BAD_VALUE);
      await save(p);
      const error = field.locator(".field-error");
      assert.ok((await error.count()) > 0, `an inline error at ${BAD_KEY}`);
      assert.notEqual((await error.first().textContent()).trim(), "");
      assert.equal(await p.locator(`.problems a[href="#field-${BAD_KEY}"]`).count() > 0, true, "listed among the problems");
      await j.shoot(p, "1-inline-error", { fullPage: false });
      await p.locator(`form#app-form [name="f.${BAD_KEY}"]`).fill(String(FX.answers[BAD_KEY]));
      await save(p);
      assert.equal(await field.locator(".field-error").count(), 0, `no error at ${BAD_KEY} once corrected`);
      // After the save only the files are missing: no field is listed as a problem.
      const problems = await p.locator(".problems a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
      const fields = problems.filter((h) => Object.keys(FX.answers).some((k) => h === `#field-${k}`));
      assert.deepEqual(fields, [], "fields still listed as problems after filling");
    });

    step("uploads the evidence, downloads the form as DOCX and submits", async () => {
      const p = await j.page(USER);
      await uploadFiles(p, FX.files);
      await j.shoot(p, "2-applicant-form");
      const { name, bytes } = await download(p, p.locator(`a[href="/applications/${appId}/form/docx"]`).first());
      assert.match(name, /\.docx$/);
      const doc = await ooxmlText(bytes, /^word\/document\.xml$/);
      for (const key of c.docx) {
        assert.ok(doc.includes(String(FX.answers[key])), `the DOCX form shows ${key}: ${FX.answers[key]}`);
      }
      const warnings = await submit(p, appId);
      assert.deepEqual(warnings, [], "a valid fixture raises no warnings");
      assert.match(await p.locator("h1 .badge").textContent(), /已提交/);
    });

    step(`the first bureau (${c.levels[0]}) returns it with a comment`, async () => {
      const p = await j.as(c.levels[0]);
      await openAtBureau(p);
      assert.equal(await p.locator(".notice.ok", { hasText: "系统核查未发现问题" }).count(), 1, "the system check finds nothing");
      assert.equal(await p.locator("ul.files li").count(), FX.files.length, "every file listed");
      const form = await decisionForm(p, "return");
      await form.locator("textarea[name=comment]").fill(RETURN_COMMENT);
      await clickAndWait(p, form.getByRole("button", { name: "退回修改" }));
      assert.match(await p.locator("h1 .badge").textContent(), /退回修改/);
    });

    step("the applicant reads the comment, changes one field and resubmits", async () => {
      const p = await j.as(USER);
      await clickAndWait(p, p.locator(".nav").getByRole("link", { name: "我的申报" }), /\/applications$/);
      const row = p.locator("table.list tbody tr", { has: p.locator(`a[href^="/applications/${appId}"]`) });
      assert.match(await row.textContent(), /退回修改/);
      await clickAndWait(p, row.locator(`a[href^="/applications/${appId}"]`).first(), new RegExp(`/applications/${appId}(/edit)?$`));
      // The list may lead straight to the form; the comment is on the application's page,
      // linked from the call title above the form.
      if (p.url().endsWith("/edit")) await clickAndWait(p, p.locator(`.issuer a[href="/applications/${appId}"]`), new RegExp(`/applications/${appId}$`));
      const comment = p.locator(".notice.error[role=alert]");
      assert.match(await comment.textContent(), /审核单位退回修改意见/);
      assert.match(await comment.textContent(), new RegExp(RETURN_COMMENT));
      await clickAndWait(p, p.getByRole("link", { name: "填写" }), new RegExp(`/applications/${appId}/edit$`));
      const input = p.locator(`form#app-form [name="f.${REV_KEY}"]`);
      assert.equal(await input.inputValue(), String(FX.answers[REV_KEY]));
      await input.fill(REV_VALUE);
      await submit(p, appId);
      assert.match(await p.locator("h1 .badge").textContent(), /已提交/);
    });

    c.levels.forEach((who, i) => {
      step(`${who} ${i === 0 ? "sees the change, " : ""}recommends and forwards`, async () => {
        const p = await j.as(who);
        await openAtBureau(p);
        if (i === 0) {
          const change = p.locator("table.changes tbody tr");
          assert.equal(await change.count(), 1, "one changed field");
          assert.equal((await change.locator("del").textContent()).trim(), String(FX.answers[REV_KEY]));
          assert.equal((await change.locator("ins").textContent()).trim(), REV_VALUE);
        } else {
          const decisions = await p.locator("h2:has-text('各级审核意见') + table").textContent();
          assert.match(decisions, new RegExp(`（${c.levels[i - 1]}）`), "the lower level's opinion is shown");
        }
        await recommendAndForward(p, who, i === 0);
        await j.shoot(p, `3-${who}-forwarded`);
      });
    });

    if (c.collection) {
    step("the owner finds it with the scans and the summary; no experts or results", async () => {
      const p = await j.as("demo_ting");
      await p.goto(`${BASE}/`);
      await clickAndWait(p, p.locator(".nav").getByRole("link", { name: "征集管理" }), /\/owner$/);
      await clickAndWait(p, p.locator(`a[href="/owner/${CALL}"]`), new RegExp(`/owner/${CALL}$`));
      const tabs = await p.locator("nav.tabs").textContent();
      for (const tab of ["分配评审专家", "评分排名与入选", "公布结果"]) assert.ok(!tabs.includes(tab), `no ${tab} tab`);
      await clickAndWait(p, p.locator("nav.tabs").getByRole("link", { name: "收到的申报与汇总表" }), /\/received$/);
      assert.equal(await p.locator(`table.received a[href="/review/${CALL}/applications/${appId}"]`).count(), 1, "received");
      assert.ok((await p.locator("table.sent-scans tbody tr").count()) > 0, "the city's stamped scans");
      const { name, bytes } = await download(p, p.locator(`a[href="/owner/${CALL}/summary/${c.summary}?format=xlsx"]`));
      assert.match(name, /\.xlsx$/);
      const text = await ooxmlText(bytes, /^xl\/(sharedStrings\.xml|worksheets\/sheet\d+\.xml)$/);
      assert.ok(text.includes(ORG.name), `the owner's summary names ${ORG.name}`);
      await j.shoot(p, "4-owner-received");
      const a = await j.page(USER);
      await a.goto(`${BASE}/applications/${appId}`);
      assert.equal((await a.locator("h1 .badge").textContent()).trim(), "已报送汇总");
    });

    } else {
    step("the owner auto-assigns two experts", async () => {
      const p = await j.as("demo_ting");
      await p.goto(`${BASE}/`);
      await clickAndWait(p, p.locator(".nav").getByRole("link", { name: "征集管理" }), /\/owner$/);
      await clickAndWait(p, p.locator(`a[href="/owner/${CALL}"]`), new RegExp(`/owner/${CALL}$`));
      await clickAndWait(p, p.locator("nav.tabs").getByRole("link", { name: "分配评审专家" }), /\/assignments/);
      assert.match(await p.locator(`tr#app-${appId}`).textContent(), new RegExp(ORG.name));
      await p.locator("input[name=per_application]").fill("2");
      await clickAndWait(p, p.getByRole("button", { name: "开始自动分配" }));
      assert.match(await p.locator(".auto-result").textContent(), /本次新分配评审任务：\s*2/);
      await clickAndWait(p, p.getByRole("link", { name: "返回分配页面" }), /\/assignments/);
      const experts = await p.locator(`tr#app-${appId} td:last-child > div`).allTextContents();
      assigned = experts.map((t) => Object.entries(EXPERTS).find(([n]) => t.includes(n))?.[1]);
      assert.equal(assigned.length, 2, `two experts assigned: ${experts}`);
      assert.ok(assigned.every(Boolean) && assigned[0] !== assigned[1], `assigned: ${experts}`);
    });

    for (const k of [0, 1]) {
      step(`expert ${k + 1} scores every criterion and submits`, async () => {
        const expert = assigned[k];
        assert.ok(expert, "an expert was assigned");
        const p = await j.as(expert);
        await clickAndWait(p, p.locator(".nav").getByRole("link", { name: "评审任务" }), /\/expert$/);
        const row = p.locator("table tbody tr", { has: p.locator(`a[href^="/expert/assignments/"]`) }).filter({ hasText: ORG.name });
        const link = (await row.count()) > 0 ? row.getByRole("link", { name: "评分" }) : p.locator("table tbody tr", { hasText: TITLE }).getByRole("link", { name: "评分" });
        assert.equal(await link.count(), 1, "the assignment is listed");
        await clickAndWait(p, link, /\/expert\/assignments\/\d+/);
        const inputs = await p.locator('form.sheet input[name^="score."]').all();
        assert.ok(inputs.length > 0, "criteria to score");
        for (const [n, input] of inputs.entries()) {
          const max = Number(await input.getAttribute("max"));
          await input.fill(String(Math.round(max * (0.8 + 0.02 * n + 0.05 * k))));
        }
        for (const comment of await p.locator('form.sheet textarea[name^="comment."]').all()) await comment.fill("表现良好。");
        await p.locator("form.sheet textarea[name=comment]").fill("技术先进，应用成效明显，建议入选。");
        await p.getByLabel("我确认评分无误，提交后不可修改").check();
        await clickAndWait(p, p.getByRole("button", { name: "提交评分" }), /msg=/);
        assert.match(await p.locator("h1 .badge").textContent(), /已提交/);
        assert.ok(Number((await p.locator("strong.total").textContent()).trim()) > 0, "a total");
      });
    }

    step("the owner selects it and publishes", async () => {
      const p = await j.page("demo_ting");
      await p.goto(`${BASE}/owner/${CALL}`);
      await clickAndWait(p, p.locator("nav.tabs").getByRole("link", { name: "评分排名与入选" }), /\/ranking/);
      // The ranking of one direction at a time: the application's.
      const filter = p.locator(`form.inline-form:has(select[name=direction])`);
      if ((await filter.locator("select[name=direction]").inputValue()) !== FX.direction) {
        await filter.locator("select[name=direction]").selectOption(FX.direction);
        await clickAndWait(p, filter.locator("button[type=submit]"), new RegExp(`direction=${FX.direction}`));
      }
      const row = p.locator(`tr#rank-${appId}`);
      assert.equal(await row.locator("td:nth-child(5) > div").count(), 2, "two experts' totals");
      await row.locator("input[name=id]").check();
      await clickAndWait(p, p.getByRole("button", { name: "勾选项设为入选" }));
      assert.match(await p.locator(`tr#rank-${appId}`).textContent(), /入选/);
      await clickAndWait(p, p.getByRole("link", { name: "公布结果" }).last(), /\/publish$/);
      assert.equal(await p.locator("table tbody tr", { hasText: ORG.name }).count(), 1, "listed for publication");
      await p.getByLabel("我已核对入选名单，确认公布，公布后不可更改").check();
      await clickAndWait(p, p.getByRole("button", { name: "确认公布" }), /msg=published/);
      assert.match(await p.locator("h1").textContent(), /已公布/);
    });

    step("an anonymous visitor reads the results; the applicant sees 入选", async () => {
      const p = await j.page("anonymous");
      await p.goto(`${BASE}/calls/${CALL}`);
      await clickAndWait(p, p.getByRole("link", { name: "查看入选名单公示" }), new RegExp(`/calls/${CALL}/results$`));
      const row = p.locator("table.results tbody tr", { hasText: ORG.name });
      assert.equal(await row.count(), 1, "the case is in the results");
      assert.ok((await row.textContent()).includes(TITLE), `the results show ${TITLE}`);
      // The call's [publication] introduction: cut to 120 characters and "……".
      const full = FX.answers[c.intro].replace(/\s+/g, " ").trim();
      const intro = [...full].length > 120 ? [...full].slice(0, 120).join("") + "……" : full;
      assert.equal((await row.locator("td").last().textContent()).trim(), intro, `the introduction (${c.intro})`);
      await j.shoot(p, "4-public-results");
      const a = await j.page(USER);
      await a.goto(`${BASE}/applications/${appId}`);
      assert.equal((await a.locator("h1 .badge").textContent()).trim(), "入选");
    });

    }

    it("no script errors and no request off the loopback server", (t) => {
      t.diagnostic(`screenshots: ${j.shots.join(", ")}`);
      assert.deepEqual(j.pageErrors, []);
      assert.deepEqual(j.offHost, []);
    });
  });
}
