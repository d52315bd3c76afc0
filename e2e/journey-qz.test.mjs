// qz-2024-ai-industry end to end in the browser: a 鲤城区 company registers, fills in “领雁”
// 软件企业 (year table, repeating 研发平台 rows added by the button, follow-up choices); the
// county bureau returns, recommends and forwards, the 泉州 city bureau recommends and forwards,
// the province assigns experts and publishes (see call-journey.mjs).
import { callJourney } from "./call-journey.mjs";

callJourney({
  prefix: "qz",
  call: "qz-2024-ai-industry",
  fixture: "lingyan_software.valid.json",
  org: { region: "350502", name: "泉州鲤城领雁智能软件有限公司", serial: 102 },
  levels: ["demo_xian_licheng", "demo_shi_quanzhou"],
  title: "company_name",
  intro: "company_intro",
  bad: ["contact_mobile", "1390605"],
  revise: ["legal_rep", "林志远"],
  counter: false, // the form states no 字数 limit
  summary: "recommendation_county",
  docx: ["company_name", "legal_rep", "contact_email"],
});
