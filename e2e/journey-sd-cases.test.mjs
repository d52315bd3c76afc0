// sd-2024-llm-cases end to end in the browser: a 济南 company registers, fills in the whole
// case form (year table, follow-up choices), the city bureau returns, recommends and forwards,
// the province assigns experts and publishes (see call-journey.mjs).
import { callJourney } from "./call-journey.mjs";

callJourney({
  prefix: "sd-cases",
  call: "sd-2024-llm-cases",
  fixture: "case.valid.json",
  org: { region: "370102", name: "济南智语案例科技有限公司", serial: 101 },
  levels: ["demo_shi_jinan"],
  title: "product_name",
  intro: "model_intro",
  bad: ["contact_mobile", "1380531"],
  revise: ["contact_title", "首席技术官"],
  summary: "recommendation",
  docx: ["product_name", "model_name", "contact_name"],
});
