// sd-2024-llm-survey end to end in the browser: a 济南 company registers, fills in the 产品
// survey (multiple choice, 行业 opening its detail), the city bureau returns, recommends,
// uploads its stamped summary and forwards; the province collects: a 摸底 has no experts or
// results (see call-journey.mjs).
import { callJourney } from "./call-journey.mjs";

callJourney({
  prefix: "sd-survey",
  call: "sd-2024-llm-survey",
  fixture: "product.valid.json",
  org: { region: "370103", name: "济南知业大模型科技有限公司", serial: 103 },
  levels: ["demo_shi_jinan"],
  title: "prod_name",
  intro: "prod_intro",
  bad: ["prod_contact_phone", "053"],
  revise: ["prod_contact_name", "王小强"],
  summary: "products",
  docx: ["prod_name", "prod_contact_name"],
  collection: true,
});
