//! Bureau packages written into a plain (non-seekable) `Vec<u8>` and read back with the zip
//! crate: entry names and their order (summary tables, then one folder per application in
//! ranking order), the call's naming rules (广东 单位名称-应用场景名称 and {scene_name}-{n},
//! 山东 图1, 图2… in upload order), safe and unique names, stored or deflated by type, and
//! attachments that round-trip byte for byte.

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use serde_json::Value as Json;
use shenbao_core::call::{Call, Target, builtin};
use shenbao_core::form::{Application, FileMeta};
use shenbao_docs::{
    DocError, FormExtras, FormFormat, PackageApplication, PackageAttachment, PackageWriter,
};
use zip::CompressionMethod;

struct Fixture {
    direction: String,
    profile: Json,
    answers: Json,
}

fn fixture(call: &str, name: &str) -> Fixture {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shenbao_core/tests/fixtures")
        .join(call)
        .join(name);
    let v: Json =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture")).expect("json");
    Fixture {
        direction: v["direction"].as_str().expect("direction").to_string(),
        profile: v["profile"].clone(),
        answers: v["answers"].clone(),
    }
}

/// A stand-in for the form renderers: the company name and the number of listed files.
fn fake_docx(_: &Call, app: &Application<'_>, _: &FormExtras) -> Result<Vec<u8>, DocError> {
    Ok(format!(
        "docx {} {}",
        app.answers["company_name"].as_str().unwrap_or_default(),
        app.files.map_or(0, <[FileMeta]>::len)
    )
    .into_bytes())
}

fn fake_pdf(_: &Call, _: &Application<'_>, _: &FormExtras) -> Result<Vec<u8>, DocError> {
    Ok(b"%PDF-1.7 fake".to_vec())
}

const FORMATS: &[FormFormat] = &[
    FormFormat {
        extension: "docx",
        render: fake_docx,
    },
    FormFormat {
        extension: "pdf",
        render: fake_pdf,
    },
];

/// Writes `content` as a file in `dir` and describes it as uploaded into `slot` as `name`.
fn upload(dir: &Path, slot: &str, name: &str, kind: &str, content: &[u8]) -> PackageAttachment {
    let path = dir.join(format!("f{}", std::fs::read_dir(dir).expect("dir").count()));
    std::fs::write(&path, content).expect("write");
    PackageAttachment {
        meta: FileMeta {
            slot: slot.to_string(),
            name: name.to_string(),
            size: content.len() as u64,
            kind: kind.to_string(),
        },
        path,
    }
}

fn app<'a>(
    f: &'a Fixture,
    title: &'a str,
    attachments: &'a [PackageAttachment],
) -> PackageApplication<'a> {
    PackageApplication {
        call: None,
        target: Target {
            direction: &f.direction,
            subdirection: None,
        },
        company: f.profile["name"].as_str().expect("name"),
        title,
        answers: &f.answers,
        profile: Some(&f.profile),
        attachments,
        extras: &NO_EXTRAS,
    }
}

/// No opinion blocks.
static NO_EXTRAS: FormExtras = FormExtras {
    opinions: Vec::new(),
    members: Vec::new(),
    stamp: None,
};

/// The entries of a ZIP in order: name, compression method and content.
fn entries(bytes: Vec<u8>) -> Vec<(String, CompressionMethod, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).expect("entry");
            let mut content = Vec::new();
            f.read_to_end(&mut content).expect("readable");
            (f.name().to_string(), f.compression(), content)
        })
        .collect()
}

#[test]
fn guangdong_package_names_folders_forms_and_files_by_the_rules_in_ranking_order() {
    let call = builtin::get("gd-2023-ai-scenarios")
        .expect("seed")
        .expect("compiles");
    let dir = tempfile::tempdir().expect("temp dir");
    let manufacturing = fixture("gd-2023-ai-scenarios", "manufacturing.valid.json");
    let large_model = fixture("gd-2023-ai-scenarios", "large_model.valid.json");
    let photo: Vec<u8> = (0..50_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let m_files = vec![
        upload(
            dir.path(),
            "business_license",
            "营业执照.pdf",
            "pdf",
            b"%PDF license",
        ),
        upload(dir.path(), "images", "检测工位现场.jpg", "jpg", &photo),
        upload(dir.path(), "images", "质检看板.PNG", "png", b"png two"),
        upload(dir.path(), "video", "场景演示.mp4", "mp4", b"mp4"),
        upload(
            dir.path(),
            "application_word",
            "申报书.docx",
            "docx",
            b"PK word",
        ),
        upload(
            dir.path(),
            "customer_list",
            "../..\\客户\u{7}清单.txt",
            "xls",
            &[b'a'; 4000],
        ),
        upload(
            dir.path(),
            "customer_list",
            "../..\\客户\u{7}清单.txt",
            "xls",
            b"second",
        ),
    ];
    let l_files = vec![upload(
        dir.path(),
        "business_license",
        "营业执照.pdf",
        "pdf",
        b"%PDF other",
    )];
    let mut out = Vec::new();
    let mut package = PackageWriter::new(call, FORMATS, &mut out);
    package
        .add_document("推荐汇总表.xlsx", b"xlsx bytes")
        .expect("summary");
    package
        .add_document("推荐汇总表.docx", b"docx bytes")
        .expect("summary");
    // Ranking: the large-model application first, then manufacturing.
    let l_title = large_model.answers["scene_name"].as_str().expect("title");
    let m_title = manufacturing.answers["scene_name"].as_str().expect("title");
    package
        .add_application(&app(&large_model, l_title, &l_files))
        .expect("first");
    package
        .add_application(&app(&manufacturing, m_title, &m_files))
        .expect("second");
    package.finish().expect("finished");

    let got = entries(out);
    let names: Vec<&str> = got.iter().map(|(n, _, _)| n.as_str()).collect();
    let l = format!("01-深圳智言大模型科技有限公司-{l_title}");
    let m_base = format!("广州智造视觉科技有限公司-{m_title}");
    let m = format!("02-{m_base}");
    assert_eq!(
        names,
        vec![
            "推荐汇总表.xlsx".to_string(),
            "推荐汇总表.docx".to_string(),
            format!("{l}/深圳智言大模型科技有限公司-{l_title}.docx"),
            format!("{l}/深圳智言大模型科技有限公司-{l_title}.pdf"),
            format!("{l}/企业营业执照或组织机构代码证书-营业执照.pdf"),
            format!("{m}/{m_base}.docx"),
            format!("{m}/{m_base}.pdf"),
            format!("{m}/企业营业执照或组织机构代码证书-营业执照.pdf"),
            format!("{m}/{m_title}-1.jpg"),
            format!("{m}/{m_title}-2.PNG"),
            format!("{m}/{m_title}.mp4"),
            // The uploaded Word file follows the same rule as the generated one: made unique.
            format!("{m}/{m_base}(2).docx"),
            // Uploaded as `../..\\客户\u{7}清单.txt`, an XLS by its content: cleaned, and
            // with the extension of its type.
            format!("{m}/2020-2022年度该应用场景主要推广服务用户清单-_._客户清单.xls"),
            format!("{m}/2020-2022年度该应用场景主要推广服务用户清单-_._客户清单(2).xls"),
        ]
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
    );
    for name in &names {
        for part in name.split('/') {
            assert!(
                !part.contains("..") && !part.contains('\\') && !part.chars().any(char::is_control),
                "{name}"
            );
        }
    }
    let by_name = |n: &str| {
        got.iter()
            .find(|(name, _, _)| name == n)
            .unwrap_or_else(|| panic!("{n}"))
    };
    // The form renderer saw the application's files.
    assert_eq!(
        by_name(&format!("{m}/{m_base}.docx")).2,
        "docx 广州智造视觉科技有限公司 7".as_bytes()
    );
    // Byte for byte, stored when already compressed, deflated otherwise.
    let jpg = by_name(&format!("{m}/{m_title}-1.jpg"));
    assert_eq!(jpg.2, photo);
    assert_eq!(jpg.1, CompressionMethod::Stored);
    let xls = by_name(&format!(
        "{m}/2020-2022年度该应用场景主要推广服务用户清单-_._客户清单.xls"
    ));
    assert_eq!(xls.2, vec![b'a'; 4000]);
    assert_eq!(xls.1, CompressionMethod::Deflated);
    assert_eq!(by_name("推荐汇总表.xlsx").1, CompressionMethod::Stored);
}

#[test]
fn shandong_images_become_tu_1_tu_2_in_upload_order() {
    let call = builtin::get("sd-2024-llm-cases")
        .expect("seed")
        .expect("compiles");
    let dir = tempfile::tempdir().expect("temp dir");
    let case = fixture("sd-2024-llm-cases", "case.valid.json");
    let files = vec![
        upload(
            dir.path(),
            "evidence",
            "发明专利证书.pdf",
            "pdf",
            b"%PDF patent",
        ),
        upload(dir.path(), "images", "现场照片.jpg", "jpg", b"first image"),
        upload(dir.path(), "images", "架构图.png", "png", b"second image"),
        upload(dir.path(), "images", "无扩展名", "png", b"third image"),
    ];
    let mut out = Vec::new();
    let mut package = PackageWriter::new(call, FORMATS, &mut out);
    package
        .add_application(&app(&case, "", &files))
        .expect("application");
    package.finish().expect("finished");
    let got = entries(out);
    let names: Vec<&str> = got.iter().map(|(n, _, _)| n.as_str()).collect();
    let folder = "01-山东智语信息科技有限公司";
    let evidence = &call
        .def()
        .files
        .iter()
        .find(|s| s.id == "evidence")
        .expect("slot")
        .label;
    assert_eq!(
        names,
        [
            format!("{folder}/山东智语信息科技有限公司.docx"),
            format!("{folder}/山东智语信息科技有限公司.pdf"),
            format!(
                "{folder}/{}-发明专利证书.pdf",
                shenbao_docs::safe_name(evidence, "")
            ),
            format!("{folder}/图1.jpg"),
            format!("{folder}/图2.png"),
            // Uploaded without an extension: it gets its type's.
            format!("{folder}/图3.png"),
        ]
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
    );
    assert_eq!(got[4].2, b"second image");
}

#[test]
fn a_missing_attachment_is_an_error_naming_the_file() {
    let call = builtin::get("sd-2024-llm-cases")
        .expect("seed")
        .expect("compiles");
    let case = fixture("sd-2024-llm-cases", "case.valid.json");
    let files = vec![PackageAttachment {
        meta: FileMeta {
            slot: "images".into(),
            name: "图.jpg".into(),
            size: 1,
            kind: "jpg".into(),
        },
        path: PathBuf::from("/nonexistent/shenbao/file"),
    }];
    let mut out = Vec::new();
    let mut package = PackageWriter::new(call, FORMATS, &mut out);
    let err = package
        .add_application(&app(&case, "案例", &files))
        .expect_err("missing file");
    assert!(
        err.to_string().contains("/nonexistent/shenbao/file"),
        "{err}"
    );
}
