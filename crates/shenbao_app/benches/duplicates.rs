//! The duplicate check, measured: precision and recall on a labelled set of generated pairs
//! (exact copies, light edits, reordered paragraphs, unrelated texts from the same vocabulary),
//! and the time of one review page's lookup among 100,000 earlier applications on SQLite.
//!
//! Run with `cargo bench -p shenbao_app --bench duplicates` (add `-- --applications N` for
//! another size). It prints figures; it asserts nothing about time.

use std::time::{Duration, Instant};

use shenbao_app::calls::CallRegistry;
use shenbao_core::near_duplicate::{THRESHOLD, fingerprint, similarity};
use shenbao_store::testing::{execute_raw, new_user};
use shenbao_store::{Role, Store};

/// A small deterministic generator (xorshift64*), so that every run measures the same set.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const SUBJECTS: &[&str] = &[
    "本项目",
    "我单位",
    "该平台",
    "项目团队",
    "公司",
    "本系统",
    "示范线",
    "联合体",
    "研发中心",
    "该方案",
];
const ACTIONS: &[&str] = &[
    "部署了",
    "研发了",
    "建设了",
    "上线了",
    "集成了",
    "优化了",
    "推广了",
    "改造了",
    "训练了",
    "搭建了",
];
const OBJECTS: &[&str] = &[
    "机器视觉质检系统",
    "行业大模型",
    "智能客服平台",
    "仓储调度系统",
    "能耗监测平台",
    "预测性维护模型",
    "数字孪生产线",
    "知识图谱",
    "交通信号优化平台",
    "医疗影像辅助诊断系统",
    "智能排产系统",
    "工业互联网平台",
    "供应链协同平台",
    "安全生产预警系统",
    "农业病虫害识别模型",
    "政务问答助手",
];
const PLACES: &[&str] = &[
    "在电子元器件产线",
    "在三个自有仓库",
    "在园区中小企业",
    "在市级医院",
    "在城市主干道",
    "在纺织印染车间",
    "在港口码头",
    "在钢铁冶炼厂",
    "在高速公路收费站",
    "在社区卫生服务中心",
];
const EFFECTS: &[&str] = &[
    "缺陷检出率提升至",
    "人工成本下降",
    "响应时间缩短",
    "能耗降低",
    "订单处理能力提升",
    "停机时间减少",
    "通行效率提高",
    "诊断准确率达到",
    "交付准时率达到",
    "库存周转加快",
];

fn number(rng: &mut Rng) -> String {
    format!(
        "百分之{}",
        [
            "十",
            "二十",
            "三十",
            "四十",
            "十五",
            "二十五",
            "九十",
            "九十五"
        ][rng.below(8) as usize]
    )
}

fn sentence(rng: &mut Rng) -> String {
    format!(
        "{}{}{}，{}{}，{}{}。",
        rng.pick(SUBJECTS),
        rng.pick(PLACES),
        rng.pick(ACTIONS),
        rng.pick(OBJECTS),
        [
            "，覆盖主要工序",
            "，接入设备四千余台",
            "，服务客户三千余家",
            "，形成可复制的方案"
        ][rng.below(4) as usize],
        rng.pick(EFFECTS),
        number(rng),
    )
}

/// A narrative of three paragraphs of three sentences (about 250 characters).
fn narrative(rng: &mut Rng) -> Vec<String> {
    (0..3)
        .map(|_| (0..3).map(|_| sentence(rng)).collect::<String>())
        .collect()
}

/// A light edit: one sentence in nine rewritten, as an applicant touching up a copy would.
fn light_edit(rng: &mut Rng, paragraphs: &[String]) -> Vec<String> {
    let p = rng.below(3) as usize;
    let mut out = paragraphs.to_vec();
    let sentences: Vec<&str> = out[p].split_inclusive('。').collect();
    let s = rng.below(sentences.len() as u64) as usize;
    let mut rewritten: Vec<String> = sentences.iter().map(|x| (*x).to_string()).collect();
    rewritten[s] = sentence(rng);
    out[p] = rewritten.concat();
    out
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Copy,
    LightEdit,
    Reordered,
    Unrelated,
}

fn labelled_set() {
    let mut rng = Rng(0x5eed_1234_abcd_9876);
    let mut counts: Vec<(Kind, usize, usize)> = Vec::new();
    let pairs = 500;
    for kind in [
        Kind::Copy,
        Kind::LightEdit,
        Kind::Reordered,
        Kind::Unrelated,
    ] {
        let mut flagged = 0;
        for _ in 0..pairs {
            let a = narrative(&mut rng);
            let b = match kind {
                Kind::Copy => a.clone(),
                Kind::LightEdit => light_edit(&mut rng, &a),
                Kind::Reordered => vec![a[2].clone(), a[0].clone(), a[1].clone()],
                Kind::Unrelated => narrative(&mut rng),
            };
            let (fa, fb) = (fingerprint(&a.join("\n")), fingerprint(&b.join("\n")));
            let (Some(fa), Some(fb)) = (fa, fb) else {
                continue;
            };
            // Found only when a band key is shared (the lookup) and the estimate passes.
            let shared = fa
                .band_keys()
                .iter()
                .zip(fb.band_keys())
                .any(|(x, y)| *x == y);
            if shared && similarity(&fa, &fb) >= THRESHOLD {
                flagged += 1;
            }
        }
        counts.push((kind, flagged, pairs));
    }
    println!("labelled pairs (threshold {THRESHOLD}):");
    for (kind, flagged, pairs) in &counts {
        println!("  {kind:?}: flagged {flagged} of {pairs}");
    }
    let tp: usize = counts
        .iter()
        .filter(|c| c.0 != Kind::Unrelated)
        .map(|c| c.1)
        .sum();
    let positives: usize = counts
        .iter()
        .filter(|c| c.0 != Kind::Unrelated)
        .map(|c| c.2)
        .sum();
    let fp: usize = counts
        .iter()
        .filter(|c| c.0 == Kind::Unrelated)
        .map(|c| c.1)
        .sum();
    println!(
        "  recall {:.3}, precision {:.3}",
        tp as f64 / positives as f64,
        tp as f64 / (tp + fp).max(1) as f64
    );
}

async fn lookup(n: usize) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let store = Store::connect(&url).await.expect("connect");
    let user = store
        .create_user(&new_user("bench", Role::Admin, None, 0))
        .await
        .expect("user");
    let started = Instant::now();
    // Organisations (one in four has two applications) and submitted applications, in SQL.
    let orgs = n / 4 * 3 + 1;
    execute_raw(
        &store,
        &format!(
            "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < {orgs}) \
             INSERT INTO organisations (id, uscc, name, region, created_at) \
             SELECT i, printf('9137%014d', i), '企业' || i, '370102', 0 FROM k"
        ),
    )
    .await;
    execute_raw(
        &store,
        &format!(
            "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < {n}) \
             INSERT INTO applications (id, call_id, direction, organisation_id, created_by, \
               status, answers, version, created_at, updated_at, submitted_at, level, unit, \
               title, call_version) \
             SELECT i, 'sd-2024-llm-cases', 'general', 1 + (i % {orgs}), {}, 'submitted', '{{}}', \
               2, 0, 0, 0, 'city', '370100', '项目' || i, 1 FROM k",
            user.id
        ),
    )
    .await;
    let rows = started.elapsed();
    // Three narrative answers each, fingerprinted and stored as a submission stores them.
    let started = Instant::now();
    let mut rng = Rng(0x00c0_ffee_d00d_f00d);
    let mut tx = store.begin().await.expect("tx");
    for id in 1..=n {
        let prints: Vec<(String, _)> = ["intro", "plan", "effect"]
            .iter()
            .filter_map(|f| {
                Some((
                    (*f).to_string(),
                    fingerprint(&narrative(&mut rng).concat())?,
                ))
            })
            .collect();
        let key = format!("项目{id}");
        tx.set_fingerprints(i64::try_from(id).unwrap_or(i64::MAX), Some(&key), &prints)
            .await
            .expect("fingerprints");
        if id % 2000 == 0 {
            tx.commit().await.expect("commit");
            tx = store.begin().await.expect("tx");
        }
    }
    tx.commit().await.expect("commit");
    let fingerprints = started.elapsed();
    println!(
        "{n} applications: rows {:.1} s, fingerprints {:.1} s",
        rows.as_secs_f64(),
        fingerprints.as_secs_f64()
    );
    let calls = CallRegistry::load(&store, false, 0).await.expect("calls");
    let mut times: Vec<Duration> = Vec::new();
    let mut found = 0;
    for _ in 0..200 {
        let id = 1 + rng.below(n as u64) as i64;
        let app = store.application(id).await.expect("read").expect("row");
        let uscc = store
            .organisation(app.organisation_id)
            .await
            .expect("read")
            .expect("row")
            .uscc;
        let t = Instant::now();
        let flags = shenbao_app::duplicates::check(&store, &calls, &app, &uscc)
            .await
            .expect("check");
        times.push(t.elapsed());
        found += flags.len();
    }
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    println!(
        "lookup among {n}: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms ({} others listed over 200 lookups)",
        at(0.5).as_secs_f64() * 1000.0,
        at(0.95).as_secs_f64() * 1000.0,
        times[times.len() - 1].as_secs_f64() * 1000.0,
        found
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n = args
        .iter()
        .position(|a| a == "--applications")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    labelled_set();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(lookup(n));
}
