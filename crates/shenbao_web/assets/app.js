// shenbao: progressive enhancement. Every page works without this script.
"use strict";

// Division picker: replaces the 6-digit code input with province / city / county selects
// fed by /regions, keeping the code input (hidden) as what the form submits.
function initRegionPicker(box) {
  const input = box.querySelector("input");
  if (!input) return;
  const labels = [box.dataset.province, box.dataset.city, box.dataset.county];
  const wrap = document.createElement("div");
  wrap.className = "region-selects";
  const selects = labels.map((text) => {
    const s = document.createElement("select");
    s.setAttribute("aria-label", text);
    s.innerHTML = `<option value="">${text}</option>`;
    wrap.appendChild(s);
    return s;
  });
  input.type = "hidden";
  input.parentElement.insertBefore(wrap, input);
  const label = input.closest("label");
  if (label && label.firstChild && label.firstChild.nodeType === Node.TEXT_NODE && box.dataset.label) {
    label.firstChild.textContent = box.dataset.label;
  }
  const load = async (select, url, selected) => {
    const res = await fetch(url);
    const items = res.ok ? await res.json() : [];
    select.length = 1;
    for (const it of items) select.add(new Option(it.name, it.code, false, it.code === selected));
    select.disabled = items.length === 0;
    return items.length;
  };
  const current = input.value;
  const prov = current ? current.slice(0, 2) + "0000" : "";
  const city = current ? current.slice(0, 4) + "00" : "";
  const level = async (i) => {
    for (let j = i + 1; j < 3; j++) { selects[j].length = 1; selects[j].disabled = true; }
    const v = selects[i].value;
    input.value = v;
    if (v && i < 2) {
      const n = await load(selects[i + 1], "/regions/" + v, "");
      if (n === 0) input.value = v;
    }
  };
  selects.forEach((s, i) => s.addEventListener("change", () => level(i)));
  load(selects[0], "/regions", prov).then(async () => {
    if (!current) return;
    const n = await load(selects[1], "/regions/" + prov, current.slice(0, 4) === prov.slice(0, 4) ? current : city);
    if (n) await load(selects[2], "/regions/" + selects[1].value, current);
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-region-picker]").forEach(initRegionPicker);
});

// ---- the application form ---------------------------------------------------------------

function formValues(form, name) {
  return Array.from(form.querySelectorAll(`[name="${CSS.escape(name)}"]`))
    .filter((el) => (el.type === "radio" || el.type === "checkbox") ? el.checked : true)
    .map((el) => el.value);
}

// Shows and hides fields and sections whose show_if depends on a choice.
function applyConditions(form) {
  form.querySelectorAll("[data-show-field]").forEach((el) => {
    const any = JSON.parse(el.dataset.showAny || "[]");
    const chosen = formValues(form, "f." + el.dataset.showField);
    const controller = form.querySelector(`[data-field="${CSS.escape(el.dataset.showField)}"]`);
    const controllerShown = !controller || !controller.hidden;
    el.hidden = !(controllerShown && any.some((v) => chosen.includes(v)));
  });
  form.querySelectorAll("[data-other-of]").forEach((label) => {
    const chosen = formValues(form, label.dataset.otherOf);
    label.hidden = !chosen.includes(label.dataset.otherValue);
  });
}

// Live 字数 counters next to long texts.
function updateCounter(textarea) {
  const counter = document.querySelector(`[data-counter-for="${CSS.escape(textarea.name)}"] b`);
  if (!counter || !window.ShenbaoZi) return;
  const n = textarea.dataset.ziCount === "chars"
    ? window.ShenbaoZi.charsNoSpaces(textarea.value) : window.ShenbaoZi.wordZi(textarea.value);
  counter.textContent = String(n);
  const max = Number(textarea.dataset.maxZi || Infinity), min = Number(textarea.dataset.minZi || 0);
  counter.parentElement.classList.toggle("over", n > max || (n > 0 && n < min));
}

// Autosave: posts the whole form a moment after the last change; a stale version (another
// tab saved) is reported instead of overwriting.
function initAutosave(form) {
  const url = form.dataset.autosave;
  const status = form.querySelector(".autosave-status");
  const version = form.querySelector("input[name=version]");
  let timer = null, busy = null, conflicted = false, submitting = false;
  const save = async () => {
    if (busy || conflicted || submitting) return;
    let done;
    busy = new Promise((resolve) => { done = resolve; });
    const body = new URLSearchParams(new FormData(form));
    body.set("action", "save");
    try {
      const res = await fetch(url, { method: "POST", body, headers: { "Accept": "application/json" } });
      const data = await res.json();
      if (status) {
        status.textContent = data.message;
        // A refusal (a form over the size limit, …) stays visible as an error.
        status.classList.toggle("error", !res.ok);
      }
      if (res.ok) {
        version.value = String(data.version);
        for (const [id, v] of Object.entries(data.computed || {})) {
          const out = form.querySelector(`[data-computed="${CSS.escape(id)}"]`);
          if (out && typeof v === "number") out.textContent = String(Math.round(v * 100) / 100);
        }
      } else if (res.status === 409) {
        conflicted = true;
      }
    } catch (e) {
      // Offline or server unreachable: the explicit save button still works.
    } finally {
      done();
      busy = null;
    }
  };
  // An explicit save waits for an autosave in flight, so both never send the same version.
  form.addEventListener("submit", (ev) => {
    clearTimeout(timer);
    submitting = true;
    if (busy) {
      ev.preventDefault();
      const button = ev.submitter;
      busy.then(() => {
        if (button && button.name) {
          const hidden = document.createElement("input");
          hidden.type = "hidden"; hidden.name = button.name; hidden.value = button.value;
          form.appendChild(hidden);
        }
        form.submit();
      });
    }
  });
  form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(save, 2500); });
  form.addEventListener("change", () => { clearTimeout(timer); timer = setTimeout(save, 1000); });
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("app-form");
  if (!form) return;
  applyConditions(form);
  form.addEventListener("change", () => applyConditions(form));
  form.querySelectorAll("textarea[data-zi-count]").forEach((t) => {
    updateCounter(t);
    t.addEventListener("input", () => updateCounter(t));
  });
  // Multiple choice with a maximum: block the extra tick instead of failing on save.
  form.querySelectorAll("[data-max-select]").forEach((box) => {
    const max = Number(box.dataset.maxSelect);
    box.addEventListener("change", (ev) => {
      const ticked = box.querySelectorAll("input[type=checkbox]:checked");
      if (ticked.length > max && ev.target.checked) ev.target.checked = false;
    });
  });
  if (form.dataset.autosave && form.querySelector(".autosave-status")) initAutosave(form);
});

// ---- the queue: tick all the rows of a page, and count the ticks ----------------------------
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-check-all]").forEach((all) => {
    const form = document.getElementById(all.dataset.checkAll);
    if (!form) return;
    const boxes = () => [...form.querySelectorAll('input[type="checkbox"][name="id"]')];
    const count = form.querySelector(`[data-checked-count="${all.dataset.checkAll}"]`);
    const update = () => {
      const ticked = boxes().filter((b) => b.checked).length;
      all.checked = ticked > 0 && ticked === boxes().length;
      all.indeterminate = ticked > 0 && ticked < boxes().length;
      if (count) count.textContent = ticked ? `（已选 ${ticked} 件）` : "";
    };
    all.hidden = false;
    all.addEventListener("change", () => {
      boxes().forEach((b) => { b.checked = all.checked; });
      update();
    });
    form.addEventListener("change", (e) => { if (e.target.name === "id") update(); });
    update();
  });
});

// ---- uploads ----------------------------------------------------------------------------
// Each slot of the edit page takes files from its chooser (several at once where the slot
// takes several) or dropped onto it. They are sent one after another, each with a progress
// bar, and the server answers with a message per file (naming the file and the slot) and the
// slot's fresh HTML, which replaces the old: the page does not reload, so nothing typed in
// the form is lost. Without this script the upload form posts and the server comes back to
// the slot with the same messages.
function initUploads(section) {
  const interrupted = section.dataset.interrupted || "";
  const queue = [];
  let running = false;

  const slotOf = (id) => document.getElementById("slot-" + id);

  // The slot's list of transfers, made once and moved along when the slot is replaced.
  const transfers = (slot) => {
    let list = slot.querySelector(".upload-progress");
    if (!list) {
      list = document.createElement("ul");
      list.className = "upload-progress";
      slot.appendChild(list);
    }
    return list;
  };

  const enhance = (slot) => {
    slot.querySelectorAll(".drop-hint").forEach((hint) => { hint.hidden = false; });
  };

  const replaceSlot = (slot, html) => {
    const t = document.createElement("template");
    t.innerHTML = html.trim();
    const fresh = t.content.firstElementChild;
    if (!fresh || fresh.id !== slot.id) return slot;
    const hadFocus = slot.contains(document.activeElement);
    const list = slot.querySelector(".upload-progress");
    slot.replaceWith(fresh);
    if (list) fresh.appendChild(list);
    enhance(fresh);
    if (hadFocus) {
      const target = fresh.querySelector("input[type=file]") || fresh.querySelector(".files a");
      if (target) target.focus();
    }
    return fresh;
  };

  const send = (job) => new Promise((resolve) => {
    const slot = slotOf(job.slot);
    if (!slot || !slot.dataset.upload) {
      resolve({ status: 0, data: null });
      return;
    }
    const csrf = document.querySelector("input[name=csrf]");
    const body = new FormData();
    body.append("csrf", csrf ? csrf.value : "");
    body.append("slot", job.slot);
    body.append("file", job.file, job.file.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", slot.dataset.upload);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", (ev) => {
      if (!ev.lengthComputable || ev.total === 0) return;
      const percent = Math.min(99, Math.floor((ev.loaded * 100) / ev.total));
      job.bar.value = percent;
      job.percent.textContent = percent + "%";
    });
    const answer = () => {
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
      resolve({ status: xhr.status, data });
    };
    xhr.addEventListener("load", answer);
    xhr.addEventListener("error", () => resolve({ status: 0, data: null }));
    xhr.addEventListener("abort", () => resolve({ status: 0, data: null }));
    xhr.send(body);
  });

  const finish = (job, res) => {
    let slot = slotOf(job.slot);
    const data = res.data || {};
    let messages = Array.isArray(data.messages) ? data.messages : null;
    if (!messages) {
      // Not sent, or refused as a whole (submitted in another tab, a stale page): the
      // server's reason when it gave one.
      const template = (slot && slot.dataset.refused) || "";
      const reason = typeof data.message === "string" ? data.message : interrupted;
      const text = template.replace("{file}", () => job.file.name).replace("{reason}", () => reason);
      messages = [{ ok: false, text }];
    }
    if (slot && res.status === 200 && typeof data.html === "string") slot = replaceSlot(slot, data.html);
    const ok = messages.length > 0 && messages.every((m) => m.ok);
    job.bar.value = ok ? 100 : job.bar.value;
    job.percent.textContent = ok ? "100%" : "";
    for (const m of messages) {
      const p = document.createElement("p");
      p.className = "notice upload-message " + (m.ok ? "ok" : "error");
      p.setAttribute("role", m.ok ? "status" : "alert");
      p.textContent = m.text;
      job.item.appendChild(p);
    }
    job.item.classList.remove("sending");
    job.item.classList.add(ok ? "done" : "failed");
  };

  const next = async () => {
    running = true;
    while (queue.length > 0) {
      const job = queue.shift();
      job.item.classList.add("sending");
      finish(job, await send(job));
    }
    running = false;
  };

  const enqueue = (slot, files) => {
    // The messages of earlier uploads into this slot (after a redirect, or sent by this
    // script and answered) make room for the new ones.
    slot.querySelectorAll(".upload-message").forEach((m) => { if (!m.closest(".upload-progress")) m.remove(); });
    slot.querySelectorAll(".upload-progress li.done, .upload-progress li.failed").forEach((li) => li.remove());
    for (const file of files) {
      const item = document.createElement("li");
      item.className = "queued";
      const name = document.createElement("span");
      name.className = "name";
      name.textContent = file.name;
      const bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute("aria-label", file.name);
      const percent = document.createElement("span");
      percent.className = "percent";
      percent.textContent = "0%";
      item.append(name, bar, percent);
      transfers(slot).appendChild(item);
      queue.push({ slot: slot.dataset.slot, file, item, bar, percent });
    }
    if (!running) next();
  };

  section.querySelectorAll(".slot[data-upload]").forEach(enhance);

  // 上传: the chosen files go through the queue instead of a page load.
  section.addEventListener("submit", (ev) => {
    const form = ev.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains("upload")) return;
    const slot = form.closest(".slot[data-upload]");
    const input = form.querySelector("input[type=file]");
    if (!slot || !input || !input.files || input.files.length === 0) return;
    ev.preventDefault();
    const files = Array.from(input.files);
    input.value = "";
    enqueue(slot, files);
  });

  // Drag and drop onto a slot, highlighted while files are over it.
  const zoneOf = (ev) => (ev.target instanceof Element ? ev.target.closest(".slot[data-upload]") : null);
  const carriesFiles = (ev) => Boolean(ev.dataTransfer) && Array.from(ev.dataTransfer.types || []).includes("Files");
  const over = (ev) => {
    const zone = zoneOf(ev);
    if (!zone || !carriesFiles(ev)) return;
    ev.preventDefault();
    ev.dataTransfer.dropEffect = "copy";
    zone.classList.add("dragover");
  };
  section.addEventListener("dragenter", over);
  section.addEventListener("dragover", over);
  section.addEventListener("dragleave", (ev) => {
    const zone = zoneOf(ev);
    if (zone && !(ev.relatedTarget instanceof Node && zone.contains(ev.relatedTarget))) zone.classList.remove("dragover");
  });
  section.addEventListener("drop", (ev) => {
    const zone = zoneOf(ev);
    if (!zone) return;
    ev.preventDefault();
    zone.classList.remove("dragover");
    const files = Array.from((ev.dataTransfer && ev.dataTransfer.files) || []);
    if (files.length > 0) enqueue(zone, files);
  });
  // A file dropped beside a slot must not open in the tab (and take the page away).
  for (const type of ["dragover", "drop"]) {
    window.addEventListener(type, (ev) => {
      if (ev.defaultPrevented || !carriesFiles(ev)) return;
      ev.preventDefault();
      if (ev.dataTransfer) ev.dataTransfer.dropEffect = "none";
    });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const section = document.querySelector("#files[data-interrupted]");
  if (section && window.FormData && window.XMLHttpRequest) initUploads(section);
});
