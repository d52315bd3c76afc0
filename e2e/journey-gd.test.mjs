// gd-2023-ai-scenarios end to end in the browser: a 广州天河 company registers, fills in the
// 其他 scenario (matrix of contacts, year table, 其他 options with their texts), the city bureau
// returns, recommends and forwards, the province assigns experts and publishes (see
// call-journey.mjs).
import { callJourney } from "./call-journey.mjs";

callJourney({
  prefix: "gd",
  call: "gd-2023-ai-scenarios",
  fixture: "other.valid.json",
  org: { region: "440106", name: "广州天河智慧农业科技有限公司", serial: 104 },
  levels: ["demo_shi_guangzhou"],
  title: "scene_name",
  intro: "scene_intro",
  bad: ["employees_total", "三百八十六"],
  revise: ["scene_address", "广东省东莞市大岭山镇荔枝种植示范基地二期"],
  counter: false, // the form states no 字数 limit
  summary: "summary",
  docx: ["scene_name", "scene_type_other", "park"],
  // other.valid.json has no files: the required slots (every evidence item the notice lists
  // without 如有), as manufacturing.valid.json fills them.
  files: [
    { slot: "business_license", name: "营业执照.pdf", size: 845213, type: "pdf" },
    { slot: "revenue_proof", name: "2020-2022年度审计报告.pdf", size: 6543210, type: "pdf" },
    { slot: "benefit_proof", name: "经济效益证明.pdf", size: 987654, type: "pdf" },
    { slot: "user_proof", name: "用户应用证明.pdf", size: 456789, type: "pdf" },
    { slot: "rd_capability", name: "研发平台认定文件.pdf", size: 734512, type: "pdf" },
    { slot: "appraisal_proof", name: "科技成果评价报告.pdf", size: 1534210, type: "pdf" },
    { slot: "novelty_report", name: "科技成果查新报告.pdf", size: 856220, type: "pdf" },
    { slot: "ip_proof", name: "软件著作权证书.pdf", size: 486540, type: "pdf" },
    { slot: "scene_awards", name: "应用场景获奖证书.pdf", size: 344210, type: "pdf" },
    { slot: "application_pdf", name: "申报书盖章版.pdf", size: 5234567, type: "pdf" },
    { slot: "commitment_scan", name: "申报单位承诺书.pdf", size: 612345, type: "pdf" },
  ],
});
