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
