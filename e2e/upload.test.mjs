// Uploads in the browser, on gd-2023-ai-scenarios (智能制造, demo_qiye_guangzhou):
//   with JavaScript  several files chosen at once go up one after another, each with a
//                    progress bar, and the slot lists them without a page load (what was
//                    typed in the form stays); files dropped onto a slot (a drop event with a
//                    DataTransfer) go up the same way, and a file of the wrong type is refused
//                    by name, naming the slot, while the good one beside it is kept;
//   without          several files chosen at once are posted in one request; the server keeps
//                    the good ones, names the refused one, and the browser lands back at the
//                    slot with the messages there.
// Screenshots of the slots at 1366×768 and 390×844 into $E2E_SCREENSHOTS (upload-*.png).
// Run by `bash scripts/e2e` (see journey.mjs for the environment).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { ACCOUNTS, BASE, Journey, SHOTS, STEP, clickAndWait, content } from "./journey.mjs";

const CALL = "gd-2023-ai-scenarios";
const DIRECTION = "manufacturing";
const USER = "demo_qiye_guangzhou";
const LICENSE = "企业营业执照或组织机构代码证书";
const DESKTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };

const j = new Journey("upload");
let p;
let appId;

/** Screenshots of `slot` (a locator) at desktop and phone width. */
async function shootSlot(page, slot, name) {
  for (const [size, viewport] of [["desktop", DESKTOP], ["phone", PHONE]]) {
    await page.setViewportSize(viewport);
    await slot.scrollIntoViewIfNeeded();
    const file = path.join(SHOTS, `upload-${name}-${size}.png`);
    await slot.screenshot({ path: file });
    j.shots.push(file);
  }
  await page.setViewportSize(DESKTOP);
}

/** The transfers of `slot` once `n` of them have an answer. */
async function answered(slot, n) {
  const items = slot.locator(".upload-progress li");
  await slot.page().waitForFunction(
    ([sel, count]) => document.querySelectorAll(`${sel} .upload-progress li.done, ${sel} .upload-progress li.failed`).length >= count,
    [`#${await slot.getAttribute("id")}`, n],
    { timeout: 30_000 },
  );
  return items;
}

describe(`${CALL}: several files at once, drag and drop, and without JavaScript`, () => {
  before(() => j.start());
  after(() => j.close());

  it("starts a 智能制造 application", STEP, async () => {
    p = await j.login(USER);
    await p.setViewportSize(DESKTOP);
    await p.goto(`${BASE}/calls/${CALL}`);
    await p.locator("select[name=direction]").selectOption(DIRECTION);
    await clickAndWait(p, p.getByRole("button", { name: "开始填写申报书" }), /\/applications\/\d+\/edit$/);
    appId = Number(new URL(p.url()).pathname.split("/")[2]);
    assert.ok(appId > 0);
  });

  it("chooses three files at once: each has a progress bar, the list fills, the page stays", STEP, async () => {
    // Typed and not saved: an upload must not take it away.
    const typed = p.locator("form#app-form input[type=text]:visible").first();
    await typed.fill("上传前输入、尚未保存的内容");
    await p.evaluate(() => { window.__e2eOld = true; });
    const slot = p.locator("#slot-rd_capability");
    assert.equal(await slot.locator("input[type=file][multiple]").count(), 1, "the chooser takes several files");
    assert.ok(await slot.locator(".drop-hint").isVisible(), "the script says files may be dropped");
    // Slow uploads (about 1 MB/s) so that the bars are seen moving.
    const cdp = await p.context().newCDPSession(p);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 1024 * 1024 });
    // Every value a bar shows, as it changes.
    await p.evaluate(() => {
      window.__bars = [];
      new MutationObserver((records) => {
        for (const r of records) {
          const el = r.target;
          if (el instanceof HTMLProgressElement) window.__bars.push(el.value);
        }
      }).observe(document.getElementById("files"), { subtree: true, attributes: true, attributeFilter: ["value"] });
    });
    const files = [
      { name: "研发平台认定文件.pdf", mimeType: "application/pdf", buffer: content("pdf", 1_500_000) },
      { name: "高新技术企业证书.jpg", mimeType: "image/jpeg", buffer: content("jpg", 600_000) },
      { name: "获奖证书.png", mimeType: "image/png", buffer: content("png", 300_000) },
    ];
    await slot.locator("input[type=file]").setInputFiles(files);
    await slot.getByRole("button", { name: "上传" }).click();
    await slot.locator(".upload-progress progress").first().waitFor();
    assert.equal(await slot.locator(".upload-progress progress").count(), 3, "a bar per file");
    for (const f of files) {
      assert.equal(await slot.locator(".upload-progress progress").filter({ has: p.locator(`xpath=self::*[@aria-label="${f.name}"]`) }).count(), 1, `${f.name} has a named bar`);
    }
    const items = await answered(slot, 3);
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    assert.equal(await items.locator(".notice.error").count(), 0, `refused: ${await items.locator(".notice.error").allTextContents()}`);
    const said = await items.locator(".notice.ok").allTextContents();
    for (const f of files) {
      assert.ok(said.includes(`“${f.name}”已上传到“申报单位研发能力、技术水平的相关证明材料（如政府部门或权威机构认定的研发平台、企业资质，以及颁发的荣誉、获奖证书等）”`), `message for ${f.name}: ${said}`);
    }
    assert.deepEqual(await slot.locator(".upload-progress progress").evaluateAll((bars) => bars.map((b) => b.value)), [100, 100, 100]);
    const seen = await p.evaluate(() => window.__bars);
    assert.ok(seen.some((v) => v > 0 && v < 100), `a bar between 0 and 100 was shown: ${seen}`);
    const listed = (await slot.locator("ul.files").textContent()) || "";
    for (const f of files) assert.ok(listed.includes(f.name), `${f.name} listed: ${listed}`);
    assert.ok(await p.evaluate(() => window.__e2eOld === true), "no page load");
    assert.equal(await typed.inputValue(), "上传前输入、尚未保存的内容", "what was typed is still there");
    await shootSlot(p, p.locator("#slot-rd_capability"), "several");
  });

  it("drops two files onto a slot: the PDF is kept, the .exe is refused by name and slot", STEP, async () => {
    const slot = p.locator("#slot-business_license");
    const exe = [...content("txt", 3000)];
    const pdf = [...content("pdf", 5000)];
    const dropped = await p.evaluateHandle(([a, b]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(a)], "营业执照.pdf", { type: "application/pdf" }));
      dt.items.add(new File([new Uint8Array(b)], "报价单.exe", { type: "application/octet-stream" }));
      return dt;
    }, [pdf, exe]);
    await slot.dispatchEvent("dragenter", { dataTransfer: dropped });
    assert.match((await slot.getAttribute("class")) || "", /\bdragover\b/, "highlighted while files are over it");
    await shootSlot(p, slot, "dragover");
    await slot.dispatchEvent("drop", { dataTransfer: dropped });
    const fresh = p.locator("#slot-business_license");
    const items = await answered(fresh, 2);
    assert.doesNotMatch((await fresh.getAttribute("class")) || "", /\bdragover\b/);
    const error = items.locator(".notice.error[role=alert]");
    assert.equal(await error.count(), 1);
    assert.equal(
      (await error.textContent()).trim(),
      `“报价单.exe”未能上传到“${LICENSE}”：只接受 PDF、JPG、PNG 格式（按文件内容识别，改扩展名无效）`,
    );
    assert.equal((await items.locator(".notice.ok").textContent()).trim(), `“营业执照.pdf”已上传到“${LICENSE}”`);
    const listed = (await fresh.locator("ul.files").textContent()) || "";
    assert.ok(listed.includes("营业执照.pdf") && !listed.includes("报价单"), listed);
    assert.ok(await p.evaluate(() => window.__e2eOld === true), "no page load");
    await shootSlot(p, fresh, "dropped");
  });

  it("without JavaScript: three files in one post, the bad one named, back at the slot", STEP, async () => {
    const context = await j.browser.newContext({ javaScriptEnabled: false, viewport: DESKTOP, locale: "zh-CN" });
    context.setDefaultTimeout(15_000);
    await context.route("**/*", (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === "127.0.0.1") return route.continue();
      j.offHost.push(url.href);
      return route.abort();
    });
    const n = await context.newPage();
    const navigated = async (click) => {
      const loaded = n.waitForNavigation({ waitUntil: "load", timeout: 30_000 });
      await click();
      await loaded;
    };
    await n.goto(`${BASE}/login`);
    await n.locator("input[name=username]").fill(USER);
    await n.locator("input[name=password]").fill(ACCOUNTS[USER]);
    await navigated(() => n.getByRole("button", { name: "登录" }).click());
    await n.goto(`${BASE}/applications/${appId}/edit`);
    const slot = n.locator("#slot-appraisal_proof");
    assert.ok(await slot.locator(".drop-hint").isHidden(), "no drop hint without the script");
    assert.match(await n.locator("#files .no-script-upload").textContent(), /请先点击“保存草稿”/, "told to save before an upload reloads the page");
    await slot.locator("input[type=file]").setInputFiles([
      { name: "科技成果评价报告.pdf", mimeType: "application/pdf", buffer: content("pdf", 40_000) },
      { name: "鉴定证书.exe", mimeType: "application/octet-stream", buffer: content("txt", 2_000) },
      { name: "新产品证明.png", mimeType: "image/png", buffer: content("png", 20_000) },
    ]);
    await navigated(() => slot.getByRole("button", { name: "上传" }).click());
    const url = new URL(n.url());
    assert.equal(url.pathname, `/applications/${appId}/edit`);
    assert.equal(url.hash, "#slot-appraisal_proof", "back at the slot");
    const label = "近三年通过省级以上鉴定或第三方科技成果评价的新技术、新产品证明材料";
    const messages = await slot.locator(".upload-message").allTextContents();
    assert.deepEqual(messages.map((m) => m.trim()), [
      `“科技成果评价报告.pdf”已上传到“${label}”`,
      `“新产品证明.png”已上传到“${label}”`,
      `“鉴定证书.exe”未能上传到“${label}”：只接受 PDF、JPG、PNG 格式（按文件内容识别，改扩展名无效）`,
    ]);
    assert.equal(await slot.locator(".notice.error[role=alert]").count(), 1);
    assert.equal(await n.locator("#notice").count(), 0, "no message at the top of the page");
    const listed = (await slot.locator("ul.files").textContent()) || "";
    assert.ok(listed.includes("科技成果评价报告.pdf") && listed.includes("新产品证明.png") && !listed.includes("鉴定证书"), listed);
    // The slot is in view, not the top of the page.
    const box = await slot.boundingBox();
    assert.ok(box && box.y < DESKTOP.height && box.y + box.height > 0 && (await n.evaluate(() => window.scrollY)) > 0, `slot in view: ${JSON.stringify(box)}`);
    await j.shoot(n, "nojs-landing", { fullPage: false });
    for (const [size, viewport] of [["desktop", DESKTOP], ["phone", PHONE]]) {
      await n.setViewportSize(viewport);
      const file = path.join(SHOTS, `upload-nojs-${size}.png`);
      await slot.screenshot({ path: file });
      j.shots.push(file);
    }
    await context.close();
  });

  it("no script error, no CSP violation, no request off the loopback server", () => {
    assert.deepEqual(j.pageErrors, []);
    assert.deepEqual(j.offHost, []);
  });
});
