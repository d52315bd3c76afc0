// shenbao: progressive enhancement. Every page works without this script.
"use strict";

// Division picker: replaces the 6-digit code input with province / city / county selects
// fed by /regions, keeping the code input (hidden) as what the form submits.
function initRegionPicker(box) {
  const input = box.querySelector("input[name=region]");
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
