// hn-2025-ai end to end in the browser: a 长沙岳麓 company registers, fills in 垂直领域大模型
// (repeating 场景 rows, a matrix of compute resources, 其他 service mode with its text), the
// city bureau returns, recommends and forwards, the province assigns experts and publishes
// (see call-journey.mjs). The call states no deadlines: the demo deadline applies to
// applicants, the review levels stay open.
import { callJourney } from "./call-journey.mjs";

callJourney({
  prefix: "hn",
  call: "hn-2025-ai",
  fixture: "llm-vertical.valid.json",
  org: { region: "430104", name: "长沙岳麓垂域大模型科技有限公司", serial: 105 },
  levels: ["demo_shi_changsha"],
  title: "project_name",
  intro: "model_intro",
  bad: ["llm_contact_phone", "0731"],
  revise: ["llm_contact_title", "研发总监"],
  summary: "recommendation",
  docx: ["project_name", "model_name", "llm_contact_name"],
});
